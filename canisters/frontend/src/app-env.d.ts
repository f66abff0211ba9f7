// Svelte components as TypeScript sees them from .ts modules (Vite compiles them).
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<any>;
  export default component;
}
