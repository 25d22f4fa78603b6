import { describe, expect, it } from 'vitest';
import { actorOf, systemUserIds } from '../../../src/integration/capture/actors.js';
import type { StateChange } from '../../../src/integration/capture/state-changes.js';
import { StateChangeBuffer, toStateChange } from '../../../src/integration/capture/state-changes.js';
import { findUndo, ownChanges } from '../../../src/integration/capture/undo.js';
import { HubEventSchema } from '../../../src/integration/hub-schemas.js';
import { HA_FIXTURE_VERSIONS, haFixture } from '../../support/ha-fixtures.js';

const changesOf = (events: unknown[]): StateChange[] => events.map((event) => toStateChange(HubEventSchema.parse(event))).filter((change) => change !== null);
const plusSeconds = (at: string, seconds: number) => new Date(Date.parse(at) + seconds * 1000).toISOString();
const anyone = () => true;

describe.each(HA_FIXTURE_VERSIONS)('undo rules on payloads recorded from Home Assistant %s', (version) => {
  describe('an Assist command a person turned back', () => {
    const recorded = haFixture(version, 'assist-undo-by-person');
    const changes = changesOf(recorded.state_changed);
    const events: Array<{ type: string; timestamp: string }> = recorded.run_events;
    const intentStart = events.find((event) => event.type === 'intent-start')!.timestamp;
    const intentEnd = events.find((event) => event.type === 'intent-end')!.timestamp;
    const own = ownChanges(changes, ['input_boolean.kitchen_lamp'], intentStart, plusSeconds(intentEnd, 2));

    it("finds the run's own change: the state before it and its context", () => {
      expect(own.before).toEqual(new Map([['input_boolean.kitchen_lamp', 'off']]));
      expect(own.ownContexts).toEqual(new Set([recorded.assist_state_changed.context.id]));
    });

    it("finds the person's change back within the window", () => {
      const undo = findUndo(changes, { ...own, from: own.lastAt!, until: plusSeconds(intentEnd, 60) }, anyone);
      expect(undo).toMatchObject({ entity_id: 'input_boolean.kitchen_lamp', from: 'on', to: 'off' });
      expect(undo!.context.id).toBe(recorded.person_call_service_result.context.id);
    });

    it('finds no undo once the window is over, without the change back, or when the actor does not count', () => {
      expect(findUndo(changes, { ...own, from: own.lastAt!, until: own.lastAt! }, anyone)).toBeNull();
      expect(findUndo(changes.slice(0, 1), { ...own, from: own.lastAt!, until: plusSeconds(intentEnd, 60) }, anyone)).toBeNull();
      expect(findUndo(changes, { ...own, from: own.lastAt!, until: plusSeconds(intentEnd, 60) }, () => false)).toBeNull();
    });

    it("does not count a change in the run's own context, or in a child of it", () => {
      const back = changes[1]!;
      const ownContext = [...own.ownContexts][0]!;
      const inOwn = { ...back, context: { ...back.context, id: ownContext } };
      const inChild = { ...back, context: { ...back.context, parent_id: ownContext } };
      for (const change of [inOwn, inChild]) {
        expect(findUndo([changes[0]!, change], { ...own, from: own.lastAt!, until: plusSeconds(intentEnd, 60) }, anyone)).toBeNull();
      }
    });
  });

  describe('an automation run a person reversed, one left alone', () => {
    it("ties the run's actions to its context and finds the person's reversal", () => {
      const recorded = haFixture(version, 'automation-reversed-by-person');
      const buffer = new StateChangeBuffer(120_000);
      for (const change of changesOf(recorded.state_changed)) buffer.add(change);
      const trigger = recorded.automation_triggered[0];
      const own = buffer.inContext(trigger.context.id).filter((change) => !change.entity_id.startsWith('automation.'));
      expect(own.map((change) => [change.entity_id, change.from, change.to])).toEqual([['input_boolean.fan', 'off', 'on']]);
      const undo = findUndo(
        buffer.of(new Set(['input_boolean.fan'])),
        { before: new Map([['input_boolean.fan', 'off']]), ownContexts: new Set([trigger.context.id]), from: own[0]!.at, until: plusSeconds(trigger.time_fired, 60) },
        anyone,
      );
      expect(undo?.context.user_id).toBe(recorded.person_call_service_result.context.user_id);
    });

    it('finds nothing to undo when nobody touched what the run changed', () => {
      const recorded = haFixture(version, 'automation-left-alone');
      const changes = changesOf(recorded.state_changed);
      const trigger = recorded.automation_triggered[0];
      expect(findUndo(changes, { before: new Map([['input_boolean.porch_light', 'off']]), ownContexts: new Set([trigger.context.id]), from: trigger.time_fired, until: plusSeconds(trigger.time_fired, 60) }, anyone)).toBeNull();
    });
  });

  describe('who made a change', () => {
    const system = systemUserIds(haFixture(version, 'auth-list'));

    it('lists the system-generated users of config/auth/list', () => {
      const users: Array<{ id: string; system_generated: boolean }> = haFixture(version, 'auth-list');
      expect(system).toEqual(new Set(users.filter((user) => user.system_generated).map((user) => user.id)));
      expect(system.size).toBeGreaterThan(0);
    });

    it('tells a person, a system user, an automation and a device apart', () => {
      const person = haFixture(version, 'assist-undo-by-person').person_call_service_result.context;
      const automation = haFixture(version, 'automation-left-alone').automation_triggered[0].context;
      expect(actorOf(person, system)).toBe('person');
      expect(actorOf({ ...person, user_id: [...system][0]! }, system)).toBe('system');
      expect(actorOf(automation, system)).toBe('automation');
      expect(actorOf({ id: 'x', parent_id: null, user_id: null }, system)).toBe('device');
    });

    it('lists no system users from an answer that does not validate', () => {
      expect(systemUserIds({ message: 'unauthorized' })).toEqual(new Set());
    });
  });
});

describe('StateChangeBuffer', () => {
  const change = (entity: string, at: string): StateChange => ({ entity_id: entity, from: 'off', to: 'on', at, context: { id: at, parent_id: null, user_id: null } });

  it('keeps changes for its time and count, oldest first out', () => {
    const buffer = new StateChangeBuffer(60_000, 3);
    buffer.add(change('a', '2026-11-30T10:00:00.000Z'));
    buffer.add(change('b', '2026-11-30T10:00:30.000Z'));
    buffer.add(change('a', '2026-11-30T10:01:10.000Z'));
    expect(buffer.of(new Set(['a', 'b'])).map((c) => c.at)).toEqual(['2026-11-30T10:00:30.000Z', '2026-11-30T10:01:10.000Z']);
    buffer.add(change('c', '2026-11-30T10:01:11.000Z'));
    buffer.add(change('d', '2026-11-30T10:01:12.000Z'));
    expect(buffer.size).toBe(3);
  });

  it('reads only real state changes (an attribute-only update is none)', () => {
    const event = HubEventSchema.parse(haFixture('2024.3.3', 'assist-undo-by-person').assist_state_changed);
    expect(toStateChange(event)).toMatchObject({ from: 'off', to: 'on' });
    const same = { ...event, data: { ...event.data, new_state: (event.data as { old_state: unknown }).old_state } };
    expect(toStateChange(same)).toBeNull();
    expect(toStateChange({ ...event, data: { entity_id: 3 } })).toBeNull();
  });
});
