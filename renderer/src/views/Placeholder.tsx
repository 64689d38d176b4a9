import type { ViewId } from '../../../shared/constants';
import { VIEW_INFO } from './registry';

/** A view whose capability has not landed yet says what will appear there. */
export function Placeholder({ view }: { view: ViewId }) {
  const info = VIEW_INFO[view];
  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">{info.label}</h1>
      <div className="empty-state">
        <p className="empty-title">Not available yet</p>
        <p>{info.upcoming}</p>
      </div>
    </section>
  );
}
