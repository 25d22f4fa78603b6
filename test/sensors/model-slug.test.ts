import { describe, expect, it } from 'vitest';
import { assignSlugs, modelSlug } from '../../src/sensors/model-slug.js';

describe('modelSlug', () => {
  it.each([
    ['voice_recognition', 'voice_recognition'],
    ['Voice Recognition', 'voice_recognition'],
    ['presence-detector v2.1', 'presence_detector_v2_1'],
    ['__a--b__', 'a_b'],
    ['room:kitchen . occupancy', 'room_kitchen_occupancy'],
    ['Café Übersicht', 'cafe_ubersicht'],
    ['Straße', 'strasse'],
    ['Ærø łódź', 'aero_lodz'],
    ['модель 2', '2'],
    ['模型', 'model'],
    ['---', 'model'],
    ['123', '123'],
  ])('%s → %s', (name, slug) => {
    expect(modelSlug(name)).toBe(slug);
  });

  it('makes only lowercase a-z0-9 with single inner underscores', () => {
    for (const name of ['A  B', 'x_._y', 'Ünïcödé Ñame', 'a\u0301b']) {
      expect(modelSlug(name)).toMatch(/^[a-z0-9]+(_[a-z0-9]+)*$/);
    }
  });
});

describe('assignSlugs', () => {
  it('numbers later names whose slug is taken, in sorted order', () => {
    const { slugs, renamed } = assignSlugs(['voice_recognition', 'Voice Recognition', 'other', 'voice-recognition']);
    expect(Object.fromEntries(slugs)).toEqual({
      'Voice Recognition': 'voice_recognition',
      other: 'other',
      'voice-recognition': 'voice_recognition_2',
      voice_recognition: 'voice_recognition_3',
    });
    expect(renamed).toEqual(['voice-recognition', 'voice_recognition']);
  });
});
