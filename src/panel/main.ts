import { errorLine, h } from './dom.js';
import { debounce, followChanges, type Change } from './live.js';
import { newModelPageState, renderModelPage } from './model-page.js';
import { renderOverview } from './overview.js';

/**
 * The dashboard: hash routes `#/` (overview) and `#/models/NAME` (model page), refreshed when the
 * service reports a change (server-sent events), debounced. A refresh waits while the user types
 * in a field of the page, so a half-typed label is never thrown away.
 */
const main = document.getElementById('main') ?? document.body;
const liveBadge = document.getElementById('live');
const modelState = newModelPageState();
let rendering: Promise<void> = Promise.resolve();
let pending = false;

function route(): { page: 'overview' } | { page: 'model'; name: string } {
  const match = /^#\/models\/(.+)$/.exec(location.hash);
  return match?.[1] ? { page: 'model', name: decodeURIComponent(match[1]) } : { page: 'overview' };
}

function typing(): boolean {
  const active = document.activeElement;
  return active instanceof HTMLInputElement && active.type === 'text' && active.value !== '' && main.contains(active);
}

function render(): void {
  if (typing()) {
    pending = true;
    return;
  }
  pending = false;
  const current = route();
  rendering = rendering.then(async () => {
    main.setAttribute('aria-busy', 'true');
    try {
      if (current.page === 'model') {
        document.title = `${current.name} · ML Metrics`;
        // Typing a label meanwhile: keep the page as it is, refresh when the field is left.
        if (!(await renderModelPage(main, current.name, modelState, render, () => !typing()))) pending = true;
      } else {
        document.title = 'ML Metrics';
        await renderOverview(main);
      }
    } catch (error) {
      main.replaceChildren(h('h1', {}, 'Could not load'), errorLine(error), h('p', {}, h('a', { href: '#/' }, '← all models')));
    } finally {
      main.removeAttribute('aria-busy');
      main.dataset['rendered'] = String(Number(main.dataset['rendered'] ?? '0') + 1);
    }
  });
}

main.addEventListener('focusout', () => {
  if (pending) window.setTimeout(render, 0);
});

window.addEventListener('hashchange', () => {
  modelState.unlabeledOnly = false;
  render();
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
});

const refreshSoon = debounce(render, 250);
followChanges(
  (change: Change) => {
    const current = route();
    if (current.page === 'overview' || current.name === change.model_name) refreshSoon();
  },
  (connected) => {
    if (!liveBadge) return;
    liveBadge.textContent = connected ? '● live' : '○ reconnecting…';
    liveBadge.classList.toggle('on', connected);
  },
);
render();
