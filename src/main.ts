import { mount } from 'svelte';
import App from './App.svelte';
import { createStudio } from './state/app-state';
import { registerOffline } from './platform/offline';
import './app.css';

mount(App, { target: document.getElementById('app')!, props: { studio: createStudio(), offline: registerOffline() } });
