import { describe, expect, it } from 'vitest';
import { classifyLoginNavigation, stateOf } from './login-navigation';

const REDIRECT_URI = 'http://127.0.0.1:17820/api/v1/login/callback';
const DIALOG_URL = `https://api.upstox.com/v2/login/authorization/dialog?response_type=code&client_id=a1b2c3d4&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&state=state-4f1c9e`;

const classify = (url: string) => classifyLoginNavigation(url, DIALOG_URL, REDIRECT_URI);

describe('classifyLoginNavigation', () => {
  it("lets the window go through Upstox's dialog and login pages", () => {
    for (const url of [
      DIALOG_URL,
      'https://api.upstox.com/v2/login/authorization/redirect?client_id=a1b2c3d4',
      'https://login.upstox.com/',
      'https://login.upstox.com/login/v2/oauth/authorize?redirect_uri=https%3A%2F%2Fapi.upstox.com&client_id=a1b2c3d4',
    ])
      expect(classify(url), url).toEqual({ action: 'allow' });
  });

  it('catches the redirect back with its state and code, and nothing else from the query', () => {
    expect(classify(`${REDIRECT_URI}?code=Xq7LmN&state=state-4f1c9e&ucc=7ABCDE&tracking=1`)).toEqual({
      action: 'callback',
      params: { code: 'Xq7LmN', state: 'state-4f1c9e' },
    });
  });

  it('catches a refused login with its error, and a redirect with no query at all', () => {
    expect(
      classify(
        `${REDIRECT_URI}?error=access_denied&error_description=User%20cancelled%20the%20login&state=state-4f1c9e`,
      ),
    ).toEqual({
      action: 'callback',
      params: { error: 'access_denied', error_description: 'User cancelled the login', state: 'state-4f1c9e' },
    });
    expect(classify(REDIRECT_URI)).toEqual({ action: 'callback', params: {} });
  });

  it('blocks every other place, the local machine included', () => {
    for (const url of [
      'http://127.0.0.1:17820/api/v1/status',
      'http://127.0.0.1:17820/',
      'http://127.0.0.1:9999/api/v1/login/callback?code=Xq7LmN&state=state-4f1c9e',
      'http://evil.example/',
      'https://evil.example/api/v1/login/callback?code=Xq7LmN',
      'http://login.upstox.com/',
      'http://api.upstox.com/v2/login/authorization/dialog',
      'javascript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'not a url',
    ])
      expect(classify(url), url).toEqual({ action: 'block' });
  });

  it('blocks everything when the dialog or redirect URI cannot be read', () => {
    expect(classifyLoginNavigation(DIALOG_URL, 'not a url', REDIRECT_URI)).toEqual({ action: 'block' });
    expect(classifyLoginNavigation(DIALOG_URL, DIALOG_URL, '')).toEqual({ action: 'block' });
  });
});

describe('stateOf', () => {
  it('reads the state the dialog URL carries', () => {
    expect(stateOf(DIALOG_URL)).toBe('state-4f1c9e');
  });

  it('gives null for a dialog URL without a state, or no URL at all', () => {
    expect(stateOf('https://api.upstox.com/v2/login/authorization/dialog?response_type=code')).toBeNull();
    expect(stateOf('not a url')).toBeNull();
  });
});
