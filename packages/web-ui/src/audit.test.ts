import { describe, expect, it } from 'vitest';
import { auditActionLabel, auditActor, auditDetailText } from './audit.ts';

describe('audit wording', () => {
  it('names the actor as resolved, else says what it was', () => {
    expect(auditActor({ actorType: 'account', actorId: 'a1', actorName: 'Olivia' })).toBe('Olivia');
    expect(auditActor({ actorType: 'device', actorId: '3f2a1b2c-9', actorName: null })).toBe(
      'removed device 3f2a1b2c',
    );
    expect(auditActor({ actorType: 'anonymous', actorId: null, actorName: null })).toBe(
      'someone not logged in',
    );
  });

  it('says what an action means and keeps unknown ones as they are', () => {
    expect(auditActionLabel('invitation.accept')).toBe('Accepted an invitation');
    expect(auditActionLabel('member:manage')).toBe('Tried to manage people');
    expect(auditActionLabel('camera.teleport')).toBe('camera.teleport');
  });

  it('replaces ids in the details by names and leaves out unnamed internal ids', () => {
    const text = auditDetailText({
      detail: { grantId: 'g1', accountId: 'a1', role: 'guest', deviceIds: ['d1', 'd2'] },
      names: { a1: 'Dog walker', d1: 'Front door' },
    });
    expect(text).toBe('person: Dog walker · role: guest · cameras: Front door, d2');
    expect(auditDetailText({ detail: { deviceIds: null }, names: {} })).toBe('cameras: all');
    expect(auditDetailText({ detail: { accountId: 'a1', all: true }, names: { a1: 'Max' } })).toBe(
      'person: Max · every session',
    );
  });
});
