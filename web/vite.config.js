// Builds the UI into the directory build.rs names (--outDir); the binary
// embeds what is there.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  // `npx vite` serves the sources with live reload, the API from a running
  // `innograph serve` (INNOGRAPH_API, default 127.0.0.1:8080)
  server: { proxy: { '/api': process.env.INNOGRAPH_API ?? 'http://127.0.0.1:8080' } },
  build: {
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // the graph library apart, so pages without a graph load less
        manualChunks(id) {
          if (id.includes('node_modules/cytoscape') || id.includes('node_modules/cose-base') || id.includes('node_modules/layout-base')) {
            return 'graph';
          }
        },
      },
    },
  },
});
