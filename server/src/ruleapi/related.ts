// Related locations from places the engine found in any file of the package.
import type { GoFile } from '../engine/file';
import type { PlaceInFile } from '../engine/goroutines';
import type { RelatedLocation } from './rule';

/** A related location at `place`: plain offsets in this file, or with its path and range in another file of the package. */
export function relatedPlace(file: GoFile, place: PlaceInFile, message: string): RelatedLocation {
  return place.path === file.path ? { start: place.start, end: place.end, message } : { ...place, message };
}
