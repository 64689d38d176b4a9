import { useEffect, useId, useState, type KeyboardEvent, type Ref } from 'react';
import type { FeedMode, SubscribeResult } from '../../../../shared/domain/feed';
import type { Instrument } from '../../../../shared/domain/instruments';
import { useBridge } from '../../bridge-context';
import { rememberInstruments, useMarketStore } from '../../stores/market';
import { describeInstrument } from './format';

const DEBOUNCE_MS = 150;

const MODES: { value: FeedMode; label: string }[] = [
  { value: 'full', label: 'Full (depth, OI)' },
  { value: 'ltpc', label: 'LTP only' },
  { value: 'option_greeks', label: 'Option Greeks' },
];

type Search =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; results: Instrument[] }
  | { status: 'error'; message: string };

export interface InstrumentPickerProps {
  inputRef?: Ref<HTMLInputElement>;
  onAdd(instrument: Instrument, mode: FeedMode): Promise<SubscribeResult>;
}

/** Search box (press `/` anywhere in the Market view), keyboard-navigable results and a mode to subscribe with. */
export function InstrumentPicker({ onAdd, inputRef }: InstrumentPickerProps) {
  const bridge = useBridge();
  const listId = useId();
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState<Search>({ status: 'idle' });
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<FeedMode>('full');
  const [notice, setNotice] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const subscribed = useMarketStore((s) => s.subscriptions);

  useEffect(() => {
    const q = query.trim();
    if (!q) return;
    let stale = false;
    const timer = setTimeout(() => {
      setSearch({ status: 'loading' });
      bridge.invoke('instruments.search', { q, limit: 30 }).then(
        (results) => {
          if (stale) return;
          rememberInstruments(results);
          setSearch({ status: 'done', results });
          setActive(0);
        },
        (error: unknown) => {
          if (!stale) setSearch({ status: 'error', message: error instanceof Error ? error.message : String(error) });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [bridge, query]);

  const results = search.status === 'done' ? search.results : [];
  const has = (key: string) => subscribed.some((s) => s.instrumentKey === key);

  const add = async (instrument: Instrument | undefined) => {
    if (!instrument) return;
    try {
      const result = await onAdd(instrument, mode);
      const refused = result.rejected.find((r) => r.instrumentKey === instrument.instrumentKey);
      setNotice(
        refused
          ? { tone: 'bad', text: `${instrument.tradingSymbol} refused: ${refused.reason}` }
          : {
              tone: 'ok',
              text:
                result.subscribed > 0
                  ? `${instrument.tradingSymbol} added (${mode})`
                  : `${instrument.tradingSymbol} is already in the watchlist`,
            },
      );
      if (!refused) {
        setQuery('');
        setOpen(false);
        setSearch({ status: 'idle' });
      }
    } catch (error) {
      setNotice({
        tone: 'bad',
        text: `Could not add ${instrument.tradingSymbol}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      if (results.length > 0)
        setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      void add(results[active]);
    } else if (event.key === 'Escape') {
      if (open && query) setOpen(false);
      else event.currentTarget.blur();
    }
  };

  const showList = open && query.trim() !== '' && search.status !== 'idle';
  return (
    <div className="picker">
      <div className="picker-controls">
        <span className="picker-field">
          <input
            ref={inputRef}
            type="search"
            role="combobox"
            className="picker-input"
            placeholder="Add instrument: RELIANCE, NIFTY, NIFTY 24500 CE…"
            aria-label="Search instruments"
            aria-autocomplete="list"
            aria-expanded={showList}
            aria-controls={listId}
            aria-activedescendant={showList && results[active] ? `${listId}-${active}` : undefined}
            data-testid="instrument-search"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setOpen(true);
              setNotice(null);
              if (!e.target.value.trim()) setSearch({ status: 'idle' });
            }}
            onFocus={() => setOpen(true)}
            onBlur={() => setOpen(false)}
            onKeyDown={onKeyDown}
          />
          {query ? null : (
            <kbd className="picker-kbd" aria-hidden="true">
              /
            </kbd>
          )}
        </span>
        <select aria-label="Subscription mode" value={mode} onChange={(e) => setMode(e.target.value as FeedMode)}>
          {MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      {showList ? (
        <ul className="picker-results" id={listId} role="listbox" aria-label="Instruments">
          {search.status === 'loading' ? <li className="picker-note">Searching…</li> : null}
          {search.status === 'error' ? (
            <li className="picker-note bad" role="alert">
              Search failed: {search.message}
            </li>
          ) : null}
          {search.status === 'done' && results.length === 0 ? (
            <li className="picker-note">No instrument matches “{query.trim()}”.</li>
          ) : null}
          {results.map((instrument, i) => (
            <li
              key={instrument.instrumentKey}
              id={`${listId}-${i}`}
              role="option"
              data-testid={`instrument-option-${instrument.instrumentKey}`}
              aria-selected={i === active}
              className={i === active ? 'picker-option active' : 'picker-option'}
              // mousedown, not click: the input's blur would close the list before a click lands.
              onMouseDown={(e) => {
                e.preventDefault();
                void add(instrument);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="picker-symbol">{instrument.tradingSymbol}</span>
              <span className="picker-name">{instrument.name}</span>
              <span className="picker-meta">{describeInstrument(instrument)}</span>
              {has(instrument.instrumentKey) ? <span className="picker-added">in list</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {notice ? (
        <p
          className={`picker-notice ${notice.tone}`}
          role={notice.tone === 'bad' ? 'alert' : 'status'}
          data-testid="picker-notice"
        >
          {notice.text}
        </p>
      ) : null}
    </div>
  );
}
