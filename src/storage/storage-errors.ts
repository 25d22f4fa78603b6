/** Base of the store's own errors. */
export class StorageError extends Error {
  override name = 'StorageError';
}

/**
 * A file that does not parse or validate. The store never overwrites it; the service refuses to
 * start, naming the file and what to do.
 */
export class CorruptFileError extends StorageError {
  override name = 'CorruptFileError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(
      `${path} is unreadable (${reason}). It was left untouched. Stop the service and run ` +
        `"hap ml-metrics doctor" to list every damaged file, then "hap ml-metrics repair" to salvage ` +
        `every readable record into a fresh file (the original is kept under quarantine/).`,
    );
  }
}

/** Another process holds the data directory's write lock. */
export class StoreLockedError extends StorageError {
  override name = 'StoreLockedError';
}

/** A write did not reach the disk (disk full, read-only file system...). Nothing was acknowledged. */
export class WriteFailedError extends StorageError {
  override name = 'WriteFailedError';
}

/** Thrown by `insert` when the id is already stored. */
export class DuplicateIdError extends StorageError {
  override name = 'DuplicateIdError';
}

/** Thrown by `label` when no stored record has the id. */
export class UnknownIdError extends StorageError {
  override name = 'UnknownIdError';
}

/** The segment check's worker itself failed (crashed, ran out of its memory limit, could not start): says nothing about the file. */
export class SegmentCheckUnavailableError extends Error {
  override name = 'SegmentCheckUnavailableError';
}
