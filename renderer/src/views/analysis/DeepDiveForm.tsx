import { useEffect, useId, useState, type FormEvent, type KeyboardEvent, type Ref } from 'react';
import type { DeepDiveRequest } from '../../../../shared/domain/analysis';
import type { Instrument } from '../../../../shared/domain/instruments';
import { useBridge } from '../../bridge-context';
import { messageOf } from '../../lib/use-command';
import { fieldErrorsOf } from '../imports/format';
import { useStartDeepDive } from './use-start-deep-dive';

const DEBOUNCE_MS = 150;
/** Deep-dives read equities and indices; their derivatives come with them. */
const SEARCHED_SEGMENTS = ['NSE_EQ', 'NSE_INDEX'] as const;

type Search =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; results: Instrument[] }
  | { status: 'error'; message: string };

/**
 * The symbol to analyse, typed (RELIANCE) or picked from the instrument search, with an optional option expiry.
 * Enter starts: with the picked instrument when the user moved onto one, else with what was typed.
 */
export function DeepDiveForm({ inputRef }: { inputRef?: Ref<HTMLInputElement> }) {
  const bridge = useBridge();
  const listId = useId();
  const inputId = useId();
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<Instrument | null>(null);
  const [expiry, setExpiry] = useState('');
  const [search, setSearch] = useState<Search>({ status: 'idle' });
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const { start, command } = useStartDeepDive();
  const errors = fieldErrorsOf(command.error);

  useEffect(() => {
    const q = query.trim();
    if (!q || picked) return;
    let stale = false;
    const timer = setTimeout(() => {
      setSearch({ status: 'loading' });
      Promise.all(SEARCHED_SEGMENTS.map((segment) => bridge.invoke('instruments.search', { q, segment, limit: 8 })))
        .then((lists) => {
          if (stale) return;
          setSearch({ status: 'done', results: lists.flat() });
          setActive(-1);
        })
        .catch((error: unknown) => {
          if (!stale) setSearch({ status: 'error', message: messageOf(error) });
        });
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [bridge, query, picked]);

  const results = search.status === 'done' ? search.results : [];
  const showList = open && !picked && query.trim() !== '' && search.status !== 'idle';

  const pick = (instrument: Instrument) => {
    setPicked(instrument);
    setQuery(instrument.tradingSymbol);
    setOpen(false);
  };

  const submit = async (instrument: Instrument | null) => {
    const typed = query.trim();
    if (!instrument && !typed) return;
    const request: DeepDiveRequest = { symbol: instrument ? instrument.instrumentKey : typed.toUpperCase() };
    if (expiry) request.expiryDate = expiry;
    setOpen(false);
    await start(request, instrument ? instrument.tradingSymbol : typed.toUpperCase());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      if (results.length > 0)
        setActive((i) => {
          const from = i < 0 ? (event.key === 'ArrowDown' ? -1 : 0) : i;
          return (from + (event.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length;
        });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = showList && active >= 0 ? (results[active] ?? null) : picked;
      void submit(chosen);
    } else if (event.key === 'Escape') {
      if (showList) {
        event.preventDefault();
        setOpen(false);
      } else event.currentTarget.blur();
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(picked);
  };

  return (
    <form className="card deep-dive-form" aria-label="New deep-dive" onSubmit={onSubmit}>
      <div className="row">
        <div className="field grow deep-dive-symbol-field">
          <label className="field-label" htmlFor={inputId}>
            Symbol
          </label>
          <span className="picker-field">
            <input
              ref={inputRef}
              id={inputId}
              type="search"
              role="combobox"
              className="picker-input"
              placeholder="RELIANCE, HDFCBANK, NIFTY…"
              aria-autocomplete="list"
              aria-expanded={showList}
              aria-controls={listId}
              aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
              aria-invalid={errors.symbol ? true : undefined}
              data-testid="deep-dive-symbol"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setPicked(null);
                setOpen(true);
                command.clearError();
                if (!e.target.value.trim()) setSearch({ status: 'idle' });
              }}
              onFocus={() => setOpen(true)}
              onBlur={() => setOpen(false)}
              onKeyDown={onKeyDown}
            />
          </span>
          {showList ? (
            <ul className="picker-results" id={listId} role="listbox" aria-label="Instruments">
              {search.status === 'loading' ? <li className="picker-note">Searching…</li> : null}
              {search.status === 'error' ? (
                <li className="picker-note bad">Search failed: {search.message}. Enter analyses the typed symbol.</li>
              ) : null}
              {search.status === 'done' && results.length === 0 ? (
                <li className="picker-note">No instrument matches; Enter analyses “{query.trim()}” as typed.</li>
              ) : null}
              {results.map((instrument, i) => (
                <li
                  key={instrument.instrumentKey}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? 'picker-option active' : 'picker-option'}
                  data-testid={`deep-dive-option-${instrument.instrumentKey}`}
                  // mousedown, not click: the input's blur would close the list before a click lands.
                  onMouseDown={(e) => {
                    e.preventDefault();
                    pick(instrument);
                  }}
                  onMouseEnter={() => setActive(i)}
                >
                  <span className="picker-symbol">{instrument.tradingSymbol}</span>
                  <span className="picker-name">{instrument.name}</span>
                  <span className="picker-meta">{instrument.segment}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <label className="field expiry-field">
          <span className="field-label">Option expiry</span>
          <input
            type="date"
            value={expiry}
            onChange={(e) => setExpiry(e.target.value)}
            aria-invalid={errors.expiryDate ? true : undefined}
            data-testid="deep-dive-expiry"
          />
        </label>
        <button
          type="submit"
          disabled={command.busy || !query.trim()}
          data-testid="deep-dive-start"
          title="Enter in the symbol box starts too"
        >
          {command.busy ? 'Starting…' : 'Start deep-dive'}
        </button>
      </div>
      <p className={errors.symbol || errors.expiryDate ? 'field-error' : 'field-hint'}>
        {errors.symbol ??
          errors.expiryDate ??
          'Refreshes the candles, option chain and fundamentals, then scores six factors. The nearest expiry when none is chosen.'}
      </p>
      {command.message && !errors.symbol && !errors.expiryDate ? (
        <p className="banner banner-bad" role="alert">
          Could not start the deep-dive: {command.message}
        </p>
      ) : null}
    </form>
  );
}
