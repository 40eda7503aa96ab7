/**
 * The car's cameras: an officer takes one out of service and back (B.2), with
 * a reason, audited; every screen's live tiles get each camera's newest
 * picture with its state and equipment verdict.
 */
import { ALL_ROLES, handlers } from './types.js';

export const cameraHandlers = handlers({
  'cameras.service': {
    roles: ALL_ROLES,
    handle: ({ cameraId, inService, reason }, { engine, user }) => engine.setCameraService(cameraId, inService, reason, user.id),
  },
  'cameras.frames': {
    roles: ALL_ROLES,
    handle: ({ width }, { engine }) => engine.cameraFrames(width),
  },
});
