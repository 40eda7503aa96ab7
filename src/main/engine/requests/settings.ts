/**
 * The car's settings on the administrator's screen: read them, preview a
 * camera's source as entered, and save a change (validated, written
 * atomically, audited with the reason and every value changed), after which
 * the running engine takes it up (changed cameras restart, GPS reopens).
 */
import { applyCarSettings } from '../settings/apply.js';
import { saveCarSettings } from '../settings/car-settings.js';
import { ADMINISTRATORS, handlers } from './types.js';

export const settingsHandlers = handlers({
  'settings.get': {
    roles: ADMINISTRATORS,
    handle: (_request, { engine }) => ({ settings: engine.carSettings.current, file: engine.carSettings.file }),
  },
  'settings.update': {
    roles: ADMINISTRATORS,
    handle: async ({ settings, reason }, { engine, user, now }) => {
      const file = engine.carSettings.file;
      if (!file) throw new Error('this engine was started without a settings file; nothing to save to');
      const before = engine.carSettings.current;
      const saved = saveCarSettings(file, settings, { db: engine.db, userId: user.id, reason, now });
      const applied = await applyCarSettings(engine, before, saved);
      return { settings: saved, file, ...applied };
    },
  },
  'settings.preview': {
    roles: ADMINISTRATORS,
    handle: ({ camera }, { engine }) => engine.previews.take(camera, engine.camera(camera.id)),
  },
});
