/** The shapes the send screen shows, whatever the chain. */
export interface ReviewField {
  label: string;
  value: string;
}

export interface SendOutcome {
  txid: string;
  explorerUrl: string | null;
  /** What the canister reports it signed and broadcast. */
  signed: ReviewField[];
}
