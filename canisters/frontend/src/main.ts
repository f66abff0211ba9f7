import { mount } from 'svelte';
import App from './components/App.svelte';
import './lib/styles/app.css';
import { applyTheme, storedTheme } from './lib/utils/theme.utils.ts';

applyTheme(storedTheme());
const target = document.getElementById('app');
if (target !== null) mount(App, { target });
