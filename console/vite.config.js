import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// @agora/client is linked from ../clients/js, which has its own node_modules: one copy of
// each @polkadot package is used, the console's (two copies of @polkadot/util refuse to
// share types and warn on every page load).
export default defineConfig({
  plugins: [react()],
  resolve: {
    dedupe: ['@polkadot/api', '@polkadot/util', '@polkadot/util-crypto', '@polkadot/keyring', '@polkadot/types'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
});
