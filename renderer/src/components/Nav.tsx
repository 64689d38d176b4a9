import { VIEWS } from '../../../shared/constants';
import { useAppStore } from '../stores/app';
import { VIEW_INFO } from '../views/registry';

export function Nav() {
  const view = useAppStore((s) => s.view);
  const setView = useAppStore((s) => s.setView);
  return (
    <nav className="nav" aria-label="Views">
      <div className="brand">Tickdesk</div>
      <ul>
        {VIEWS.map((id, index) => (
          <li key={id}>
            <button
              type="button"
              className={id === view ? 'nav-item active' : 'nav-item'}
              aria-current={id === view ? 'page' : undefined}
              onClick={() => setView(id)}
              title={`${VIEW_INFO[id].label} (Alt+${index + 1})`}
            >
              <span>{VIEW_INFO[id].label}</span>
              <kbd>Alt+{index + 1}</kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
