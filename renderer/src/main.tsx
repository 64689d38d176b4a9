import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createBridge } from './bridge';
import { BridgeContext } from './bridge-context';
import { wireStores } from './stores/wire';
import './styles.css';

const bridge = createBridge();
wireStores(bridge);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BridgeContext.Provider value={bridge}>
      <App />
    </BridgeContext.Provider>
  </StrictMode>,
);
