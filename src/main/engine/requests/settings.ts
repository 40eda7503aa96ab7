/**
 * The car's settings on the administrator's screen: read them, and save a
 * change (validated, written atomically, audited with the reason), after
 * which the cameras reopen with the new configuration.
 */
import { saveCarSettings } from '../settings/car-settings.js';
import { cameraConfigOf } from '../start.js';
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
      const saved = saveCarSettings(file, settings, { db: engine.db, userId: user.id, reason, now });
      const camerasChanged = JSON.stringify(saved.cameras) !== JSON.stringify(engine.carSettings.current.cameras);
      engine.carSettings.current = saved;
      if (camerasChanged) await engine.replaceCameras(saved.cameras.map(cameraConfigOf));
      engine.statusChanged();
      return { settings: saved, file };
    },
  },
});
