/** Predictions, labels, training sessions and a comparison for the dashboard's browser test, through the REST API. */

const DAY_MS = 86_400_000;

export interface Seeded {
  /** Ids of predictions left unlabeled, newest last. */
  unlabeled: string[];
}

export async function seedPanel(api: string, headers: Record<string, string>, now: Date): Promise<Seeded> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${api}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { prediction_id: string };
  };
  const users = ['alice', 'bob', 'carol'];
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  // voice_recognition: 12 days of labeled predictions (day 9 back has none), two versions, accuracy drifting.
  for (let back = 12; back >= 1; back -= 1) {
    if (back === 9) continue;
    for (let n = 0; n < 6; n += 1) {
      const user = users[(n + back) % 3]!;
      const version = back <= 4 ? '1.1' : '1.0';
      const right = (n * 7 + back * 3) % 10 < (version === '1.1' ? 9 : 7);
      const wrongUser = users[(n + back + 1) % 3]!;
      await post('/predictions', {
        model_name: 'voice_recognition',
        model_version: version,
        prediction: { user_id: user },
        confidence: 0.6 + ((n * 13 + back) % 40) / 100,
        ground_truth: { user_id: right ? user : wrongUser },
        timestamp: new Date(today - back * DAY_MS + (8 + n) * 3_600_000).toISOString(),
      });
    }
  }
  for (let back = 12; back >= 1; back -= 1) {
    if (back % 2 === 0) continue;
    await post('/predictions', {
      model_name: 'suggestion_engine',
      prediction: { accepted: true },
      confidence: 0.7,
      ground_truth: { accepted: back % 3 !== 0 },
      timestamp: new Date(today - back * DAY_MS + 12 * 3_600_000).toISOString(),
    });
  }
  const unlabeled: string[] = [];
  for (let n = 0; n < 3; n += 1) {
    const logged = await post('/predictions', {
      model_name: 'voice_recognition',
      model_version: '1.1',
      prediction: { user_id: users[n]! },
      confidence: 0.8,
      timestamp: new Date(now.getTime() - (3 - n) * 60_000).toISOString(),
    });
    unlabeled.push(logged.prediction_id);
  }
  for (const [back, version, train, validation, loss] of [
    [14, '1.0', 0.81, 0.76, 0.52],
    [10, '1.0', 0.84, 0.79, 0.44],
    [5, '1.1', 0.9, 0.86, 0.31],
  ] as const) {
    await post('/training', {
      model_name: 'voice_recognition',
      model_version: version,
      training_samples: 1200,
      validation_samples: 300,
      training_accuracy: train,
      validation_accuracy: validation,
      training_loss: loss,
      validation_loss: loss + 0.06,
      timestamp: new Date(today - back * DAY_MS).toISOString(),
    });
  }
  await post('/models/voice_recognition/compare', { version_a: '1.0', version_b: '1.1' });
  return { unlabeled };
}
