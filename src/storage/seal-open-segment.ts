import { decodeIdHashes } from './id-hashes.js';
import type { StoreState } from './store-state.js';

/** Seals the open segment (unchanged, on disk): its summary is derived, and rebuilt at start-up if lost. */
export async function sealOpenSegment(state: StoreState): Promise<void> {
  const open = state.open;
  if (!open) return;
  const summary = state.summarize(open.data);
  state.sealed.set(summary.segment, { summary: { ...summary, id_hashes: '' } });
  state.ids.add(summary.segment, decodeIdHashes(summary.id_hashes));
  state.cache.set(open.data.segment, { data: open.data, ids: open.ids });
  state.open = null;
  state.nextSegment = Math.max(state.nextSegment, open.data.segment + 1);
  state.nextSeq = open.data.first_seq + open.data.records.length;
  try {
    await state.files.writeSummary(summary);
  } catch (error) {
    state.derivedFailed(`could not write the summary of segment ${summary.segment}`, error);
  }
}
