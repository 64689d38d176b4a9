import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { Instrument } from '../../../../shared/domain/instruments';
import { useBridge } from '../../bridge-context';
import { messageOf } from '../../lib/use-command';
import { displaySymbol } from '../../stores/market';
import { describeInstrument } from '../market/format';
import { fieldSentence } from './field-errors';

const DEBOUNCE_MS = 150;

type Search =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; results: Instrument[] }
  | { status: 'error'; message: string };

export interface InstrumentFieldProps {
  instrumentKey: string | null;
  instrument: Instrument | undefined;
  error: string | undefined;
  onPick(instrument: Instrument): void;
}

/** The ticket's instrument: the one it was opened on, or one found with the instrument search. */
export function InstrumentField({ instrumentKey, instrument, error, onPick }: InstrumentFieldProps) {
  const bridge = useBridge();
  const listId = useId();
  const [searching, setSearching] = useState(instrumentKey === null);
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState<Search>({ status: 'idle' });
  const [active, setActive] = useState(0);

  useEffect(() => {
    const q = query.trim();
    if (!searching || !q) return;
    let stale = false;
    const timer = setTimeout(() => {
      setSearch({ status: 'loading' });
      bridge.invoke('instruments.search', { q, limit: 12 }).then(
        (results) => {
          if (stale) return;
          setSearch({ status: 'done', results });
          setActive(0);
        },
        (reason: unknown) => {
          if (!stale) setSearch({ status: 'error', message: messageOf(reason) });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [bridge, query, searching]);

  const results = search.status === 'done' ? search.results : [];
  const pick = (chosen: Instrument | undefined) => {
    if (!chosen) return;
    onPick(chosen);
    setSearching(false);
    setQuery('');
    setSearch({ status: 'idle' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (results.length > 0)
        setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length);
    } else if (event.key === 'Enter') {
      // Enter picks a result here; it places the order only once an instrument is chosen.
      event.preventDefault();
      event.stopPropagation();
      pick(results[active]);
    } else if (event.key === 'Escape' && instrumentKey) {
      event.stopPropagation();
      setSearching(false);
    }
  };

  if (!searching && instrumentKey) {
    return (
      <div className="field ticket-instrument">
        <span className="field-label">Instrument</span>
        <div className="ticket-instrument-row">
          <span className="ticket-instrument-symbol" data-testid="ticket-instrument" data-instrument={instrumentKey}>
            {displaySymbol(instrumentKey, instrument)}
          </span>
          <span className="muted small">{instrument ? describeInstrument(instrument) : instrumentKey}</span>
          <button type="button" className="link-button" onClick={() => setSearching(true)}>
            Change
          </button>
        </div>
        {error ? (
          <span className="field-error" data-testid="ticket-error-instrumentKey">
            {fieldSentence('Instrument', error)}
          </span>
        ) : null}
      </div>
    );
  }

  const showList = query.trim() !== '' && search.status !== 'idle';
  return (
    <div className="field ticket-instrument">
      <label className="field-label" htmlFor={`${listId}-input`}>
        Instrument
      </label>
      <input
        id={`${listId}-input`}
        type="search"
        role="combobox"
        autoFocus
        autoComplete="off"
        placeholder="Search: RELIANCE, NIFTY 24500 CE…"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && results[active] ? `${listId}-${active}` : undefined}
        aria-invalid={error ? true : undefined}
        data-testid="ticket-instrument-search"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          if (!e.target.value.trim()) setSearch({ status: 'idle' });
        }}
        onKeyDown={onKeyDown}
      />
      {showList ? (
        <ul className="picker-results ticket-results" id={listId} role="listbox" aria-label="Instruments">
          {search.status === 'loading' ? <li className="picker-note">Searching…</li> : null}
          {search.status === 'error' ? <li className="picker-note bad">Search failed: {search.message}</li> : null}
          {search.status === 'done' && results.length === 0 ? (
            <li className="picker-note">No instrument matches “{query.trim()}”.</li>
          ) : null}
          {results.map((result, i) => (
            <li
              key={result.instrumentKey}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'picker-option active' : 'picker-option'}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(result);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="picker-symbol">{result.tradingSymbol}</span>
              <span className="picker-name">{result.name}</span>
              <span className="picker-meta">{describeInstrument(result)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <span className="field-error" data-testid="ticket-error-instrumentKey">
          {fieldSentence('Instrument', error)}
        </span>
      ) : null}
    </div>
  );
}
