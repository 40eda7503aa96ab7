/**
 * Accounts on the administrator's Users tab: list, create, disable, re-enable,
 * reset a PIN, set the trained flag (each audited by governance/users.ts), and
 * the one request a screen may make before anyone exists: the first
 * administrator. Disabling someone signs them out on every screen at once.
 */
import type { UserRecordView } from '../../../shared/contract.js';
import { countUsers, createUser, findUser, listUsers, resetPin, setDisabled, setTrained, type UserRecord } from '../governance/users.js';
import { ADMINISTRATORS, handlers } from './types.js';

function view(user: UserRecord): UserRecordView {
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    trained: user.trained,
    disabled: user.disabled,
    lockedUntil: user.lockedUntil,
    failedAttempts: user.failedAttempts,
    createdAt: user.createdAt,
  };
}

export const userHandlers = handlers({
  'users.firstAdministrator': {
    roles: 'anyone',
    handle: async ({ id, name, pin }, { engine, now }) => {
      if (countUsers(engine.db) > 0) throw new Error('users already exist: an administrator adds new ones from the Users tab');
      const created = await createUser(engine.db, { id, name, pin, role: 'administrator', trained: true }, null, now, engine.carSettings.current.accounts);
      engine.statusChanged();
      return created;
    },
  },
  'users.list': {
    roles: ADMINISTRATORS,
    handle: (_request, { engine, now }) => listUsers(engine.db, now).map(view),
  },
  'users.create': {
    roles: ADMINISTRATORS,
    handle: async (request, { engine, user, now }) => {
      await createUser(engine.db, request, user.id, now, engine.carSettings.current.accounts);
      return view(findUser(engine.db, request.id, now)!);
    },
  },
  'users.disable': {
    roles: ADMINISTRATORS,
    handle: ({ id, reason }, { engine, user, now }) => {
      const changed = setDisabled(engine.db, id, true, { by: user.id, now }, reason);
      engine.signOutEverywhere(id, now);
      return view(changed);
    },
  },
  'users.enable': {
    roles: ADMINISTRATORS,
    handle: ({ id, reason }, { engine, user, now }) => view(setDisabled(engine.db, id, false, { by: user.id, now }, reason)),
  },
  'users.resetPin': {
    roles: ADMINISTRATORS,
    handle: async ({ id, pin }, { engine, user, now }) => view(await resetPin(engine.db, id, pin, { by: user.id, now }, engine.carSettings.current.accounts)),
  },
  'users.setTrained': {
    roles: ADMINISTRATORS,
    handle: ({ id, trained }, { engine, user, now }) => {
      const changed = setTrained(engine.db, id, trained, { by: user.id, now });
      if (!trained) engine.signOutEverywhere(id, now);
      return view(changed);
    },
  },
});
