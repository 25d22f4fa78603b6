import { toError } from '../logging/to-error.js';
import { CorruptFileError, DuplicateIdError, UnknownIdError, WriteFailedError } from '../storage/storage-errors.js';
import { ConflictError, NotFoundError, StorageUnavailableError } from './errors.js';

/** Maps a storage failure to the tracker's errors (anything else is passed on as an Error). */
export function storageFailure(error: unknown): Error {
  if (error instanceof DuplicateIdError) return new ConflictError(error.message);
  if (error instanceof UnknownIdError) return new NotFoundError(error.message);
  if (error instanceof WriteFailedError) return new StorageUnavailableError(error.message);
  // Its message already says to run doctor and repair.
  if (error instanceof CorruptFileError) return new StorageUnavailableError(error.message);
  return toError(error);
}

/** Runs a store operation, turning its failures into the tracker's errors. */
export async function throughStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw storageFailure(error);
  }
}
