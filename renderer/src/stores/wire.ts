import type { Bridge } from '../bridge';
import { wireAnalysis } from './analysis';
import { wireApp } from './app';
import { wireImports } from './imports';
import { wireJobs } from './jobs';
import { wireLogin } from './login';
import { wireMarket } from './market';
import { orderToast } from '../views/orders/order-toast';
import { wireOrders } from './orders';
import { pushToast } from './toasts';

/** Wires every store to the bridge; each domain's store is fed by its own wire. Returns a function that unwires all. */
export function wireStores(bridge: Bridge): () => void {
  const offs = [
    wireApp(bridge),
    wireJobs(bridge),
    wireMarket(bridge),
    wireImports(bridge),
    wireAnalysis(bridge),
    wireLogin(bridge),
    // An order's news becomes a toast whatever the view.
    wireOrders(bridge, (previous, update) => {
      const toast = orderToast(previous, update);
      if (toast) pushToast(toast);
    }),
  ];
  return () => offs.forEach((off) => off());
}
