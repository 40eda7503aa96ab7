/** The reads of the live feed and their images. */
import { ALL_ROLES, handlers } from './types.js';

export const readHandlers = handlers({
  'reads.recent': {
    roles: ALL_ROLES,
    // Reads held in memory while storage fails are the newest.
    handle: ({ limit }, { engine }) => [...engine.recorder.heldReads(), ...engine.reads.recent(limit)].slice(0, limit),
  },
  'reads.image': {
    roles: ALL_ROLES,
    handle: ({ readId, kind }, { engine }) => {
      const held = kind === 'crop' || kind === 'context' ? engine.recorder.heldImage(readId, kind) : undefined;
      const jpeg =
        held !== undefined
          ? held
          : kind === 'closer-crop' || kind === 'closer-context'
            ? engine.reads.extraImage(readId, kind === 'closer-crop' ? 'crop' : 'context')
            : engine.reads.image(readId, kind);
      return jpeg ? `data:image/jpeg;base64,${jpeg.toString('base64')}` : null;
    },
  },
});
