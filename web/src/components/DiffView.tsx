// A deploy's, a rollback's or two revisions' diff: counts, the values' unified
// diff and each object with its change and its unified diff (secrets were
// masked by the server).
import type { ReactNode } from 'react';
import type { Diff, ObjectChange } from '../api/types';

export function UnifiedDiff({ text, label }: { text: string; label: string }) {
  if (!text) return <p className="empty">No differences.</p>;
  const lines = text.replace(/\n$/, '').split('\n');
  return (
    <pre className="diff" aria-label={label} tabIndex={0}>
      {lines.map((line, i) => {
        let cls = 'ctx';
        if (line.startsWith('+++') || line.startsWith('---')) cls = 'file';
        else if (line.startsWith('@@')) cls = 'hunk';
        else if (line.startsWith('+')) cls = 'add';
        else if (line.startsWith('-')) cls = 'del';
        return <span key={i} className={`line ${cls}`}>{line + '\n'}</span>;
      })}
    </pre>
  );
}

const changeLabel: Record<ObjectChange['change'], string> = {
  added: 'added',
  changed: 'changed',
  removed: 'removed',
  unchanged: 'unchanged',
};

export function Counts({ counts }: { counts: Diff['counts'] }) {
  return (
    <ul className="counts" aria-label="Objects by change">
      <li className="chg-added"><strong>{counts.added}</strong> added</li>
      <li className="chg-changed"><strong>{counts.changed}</strong> changed</li>
      <li className="chg-removed"><strong>{counts.removed}</strong> removed</li>
      <li className="chg-unchanged"><strong>{counts.unchanged}</strong> unchanged</li>
    </ul>
  );
}

export function DiffView({ diff, valuesTitle = 'Values' }: { diff: Diff; valuesTitle?: string }) {
  const changed = diff.objects.filter((o) => o.change !== 'unchanged');
  const unchanged = diff.objects.filter((o) => o.change === 'unchanged');
  return (
    <div className="diff-view">
      <Counts counts={diff.counts} />
      <section aria-labelledby="values-diff-title" className="card">
        <h3 id="values-diff-title">{valuesTitle}</h3>
        {diff.values.changed_paths.length > 0 ? (
          <p className="changed-paths">
            Changed: {diff.values.changed_paths.map((p) => <code key={p}>{p}</code>).reduce<ReactNode[]>((acc, el, i) => (i ? [...acc, ', ', el] : [el]), [])}
          </p>
        ) : (
          <p className="empty">The values are the same.</p>
        )}
        {diff.values.diff && <UnifiedDiff text={diff.values.diff} label="Values diff" />}
      </section>
      <section aria-labelledby="objects-diff-title" className="card">
        <h3 id="objects-diff-title">Objects</h3>
        {changed.length === 0 && <p className="empty">No object changes.</p>}
        <ul className="objects">
          {changed.map((o) => (
            <li key={o.display} className={`object chg-${o.change}`}>
              <details open={changed.length <= 3 || o.change !== 'added'}>
                <summary>
                  <span className={`badge chg-${o.change}`}>{changeLabel[o.change]}</span>{' '}
                  <span className="object-name">{o.display}</span>
                  {o.note && <span className="note"> — {o.note}</span>}
                </summary>
                <UnifiedDiff text={o.diff} label={`Diff of ${o.display}`} />
              </details>
            </li>
          ))}
        </ul>
        {unchanged.length > 0 && (
          <details className="unchanged">
            <summary>{unchanged.length} unchanged {unchanged.length === 1 ? 'object' : 'objects'}</summary>
            <ul>
              {unchanged.map((o) => (
                <li key={o.display}>{o.display}{o.note && <span className="note"> — {o.note}</span>}</li>
              ))}
            </ul>
          </details>
        )}
      </section>
    </div>
  );
}
