import { HedgePolicy } from './hedge-policy.js';

describe('HedgePolicy', () => {
  const settings = { minDelayMs: 10, maxDelayMs: 2_500, budget: 0.1 };

  it('waits the ceiling until it has seen enough answers', () => {
    const policy = new HedgePolicy(settings);
    for (let i = 0; i < 31; i++) policy.observe(5);
    expect(policy.delayMs()).toBe(2_500);
    policy.observe(5);
    expect(policy.delayMs()).toBe(10);
  });

  it('follows the p99 of the recent answers, between the floor and the ceiling', () => {
    const policy = new HedgePolicy(settings);
    // 1..512 ms: the p99 is the 507th smallest.
    for (let i = 1; i <= 512; i++) policy.observe(i);
    expect(policy.delayMs()).toBe(507);
    // A slower regime replaces the window.
    for (let i = 0; i < 512; i++) policy.observe(9_000);
    expect(policy.delayMs()).toBe(2_500);
    for (let i = 0; i < 512; i++) policy.observe(1);
    expect(policy.delayMs()).toBe(10);
  });

  it('spends a budget that refills by its share of the requests', () => {
    const policy = new HedgePolicy(settings);
    let taken = 0;
    while (policy.take()) taken += 1;
    expect(taken).toBe(20);
    for (let i = 0; i < 9; i++) policy.admit();
    expect(policy.take()).toBe(false);
    policy.admit();
    policy.admit();
    expect(policy.take()).toBe(true);
    expect(policy.take()).toBe(false);
  });

  it('is off with no budget', () => {
    expect(new HedgePolicy({ ...settings, budget: 0 }).enabled).toBe(false);
    expect(new HedgePolicy(settings).enabled).toBe(true);
  });
});
