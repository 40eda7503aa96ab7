/** The reads of the live feed and their images. */
import { ALL_ROLES, handlers } from './types.js';

export const readHandlers = handlers({
  'reads.recent': {
    roles: ALL_ROLES,
    handle: ({ limit }, { engine }) => engine.reads.recent(limit),
  },
  'reads.image': {
    roles: ALL_ROLES,
    handle: ({ readId, kind }, { engine }) => {
      const jpeg =
        kind === 'closer-crop' || kind === 'closer-context'
          ? engine.reads.extraImage(readId, kind === 'closer-crop' ? 'crop' : 'context')
          : engine.reads.image(readId, kind);
      return jpeg ? `data:image/jpeg;base64,${jpeg.toString('base64')}` : null;
    },
  },
});
