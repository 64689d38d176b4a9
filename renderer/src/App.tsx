import { useEffect } from 'react';
import { VIEWS, type ViewId } from '../../shared/constants';
import { Nav } from './components/Nav';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { useAppStore } from './stores/app';
import { DeepDiveView } from './views/DeepDive';
import { ImportsView } from './views/Imports';
import { JobsView } from './views/Jobs';
import { MarketView } from './views/Market';
import { OrdersView } from './views/Orders';
import { OrderTicketHost } from './views/orders/OrderTicket';
import { ReportsView } from './views/Reports';
import { ScannerView } from './views/Scanner';
import { SettingsView } from './views/Settings';
import { Unauthorized } from './views/Unauthorized';

function useViewShortcuts() {
  const setView = useAppStore((s) => s.setView);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const index = Number(event.code.replace('Digit', '')) - 1;
      const view = VIEWS[index];
      if (view) {
        event.preventDefault();
        setView(view);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);
}

function CurrentView({ view }: { view: ViewId }) {
  switch (view) {
    case 'settings':
      return <SettingsView />;
    case 'jobs':
      return <JobsView />;
    case 'market':
      return <MarketView />;
    case 'imports':
      return <ImportsView />;
    case 'scanner':
      return <ScannerView />;
    case 'deep-dive':
      return <DeepDiveView />;
    case 'reports':
      return <ReportsView />;
    case 'orders':
      return <OrdersView />;
  }
}

export function App() {
  useViewShortcuts();
  const view = useAppStore((s) => s.view);
  const connection = useAppStore((s) => s.connection);
  const theme = useAppStore((s) => s.settings?.values.theme ?? 'dark');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className="shell">
      <Nav />
      <main className="content" aria-live="polite">
        {connection === 'unauthorized' ? <Unauthorized /> : <CurrentView view={view} />}
      </main>
      <StatusBar />
      {connection === 'unauthorized' ? null : <OrderTicketHost />}
      <Toasts />
    </div>
  );
}
