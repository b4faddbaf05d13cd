import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App.jsx';
import { ChainProvider } from './chain.jsx';
import { WalletProvider } from './wallet.jsx';
import './style.css';

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <ChainProvider>
      <WalletProvider>
        <App />
      </WalletProvider>
    </ChainProvider>
  </StrictMode>,
);
