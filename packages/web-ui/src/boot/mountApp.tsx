import { StrictMode, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';

/** Renders the app's root component into the page's `#root`. */
export function mountApp(App: ComponentType): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
