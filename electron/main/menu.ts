/** The application menu: standard roles only, so every item behaves the way the platform expects. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { APP_NAME } from '../../shared/constants';

export interface MenuOptions {
  /** Developer tools are for development builds; a shipped app does not offer them. */
  isPackaged: boolean;
}

export function buildMenu({ isPackaged }: Readonly<MenuOptions>): Menu {
  const template: MenuItemConstructorOptions[] = [
    { label: APP_NAME, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(isPackaged ? [] : [{ role: 'toggleDevTools' } as const]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
