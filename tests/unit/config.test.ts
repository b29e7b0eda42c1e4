import { describe, expect, it } from 'vitest';
import { ConfigError, databaseEngine, loadConfig } from '../../server/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATABASE_PATH: './data/backroom.db',
      STORE_CURRENCY: 'USD',
      SEED_DEMO: true,
      PAYMENT_PROVIDER: 'manual',
      STRIPE_API_URL: 'https://api.stripe.com',
      ORDER_PAYMENT_TIMEOUT_MINUTES: 30,
      TRUST_PROXY: false,
      TRUSTED_ORIGINS: [],
      SIGN_UP_LIMIT_PER_HOUR: 20,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: false,
    });
  });

  it('normalises trusted origins', () => {
    const config = loadConfig({ TRUSTED_ORIGINS: 'https://shop.example, http://localhost:5173/' });
    expect(config.TRUSTED_ORIGINS).toEqual(['https://shop.example', 'http://localhost:5173']);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['TRUSTED_ORIGINS', { TRUSTED_ORIGINS: 'https://ok.example,javascript:alert(1)' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'https://shop.example/api' }],
    ['STORE_CURRENCY', { STORE_CURRENCY: 'dollars' }],
    ['SEED_DEMO', { SEED_DEMO: 'yes please' }],
    ['PAYMENT_PROVIDER', { PAYMENT_PROVIDER: 'paypal' }],
    ['ADMIN_PASSWORD', { ADMIN_EMAIL: 'boss@example.com' }],
    ['ADMIN_PASSWORD', { ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'short' }],
    ['STRIPE_SECRET_KEY', { PAYMENT_PROVIDER: 'stripe', STRIPE_WEBHOOK_SECRET: 'whsec_x' }],
    ['SMTP_URL', { SMTP_URL: 'http://mail.example' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['SIGN_UP_LIMIT_PER_HOUR', { SIGN_UP_LIMIT_PER_HOUR: '0' }],
    ['WEBHOOK_ALLOW_PRIVATE_TARGETS', { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'sometimes' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://shop@db.example/shop' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://shop:pw@' }],
    ['DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: '0' }],
    ['DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: 'ten' }],
  ])('refuses a bad %s with one line naming it', (name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${name}: [^\\n]*$`));
  });

  it('names each bad variable on a line of its own', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud', DATABASE_POOL_SIZE: '0' })).toThrow(
      /^Invalid configuration: DATABASE_POOL_SIZE: [^\n]*\nInvalid configuration: LOG_LEVEL: [^\n]*$|^Invalid configuration: LOG_LEVEL: [^\n]*\nInvalid configuration: DATABASE_POOL_SIZE: [^\n]*$/,
    );
  });

  it('selects the engine from DATABASE_URL, SQLite when it is unset', () => {
    expect(databaseEngine(loadConfig({}))).toBe('sqlite');
    expect(databaseEngine(loadConfig({ DATABASE_URL: '' }))).toBe('sqlite');
    const pg = loadConfig({
      DATABASE_URL: 'postgresql://shop@db.example:5433/shop',
      DATABASE_POOL_SIZE: '4',
    });
    expect(databaseEngine(pg)).toBe('postgres');
    expect(pg.DATABASE_POOL_SIZE).toBe(4);
    expect(loadConfig({ DATABASE_URL: 'postgres://db.example/shop' }).DATABASE_POOL_SIZE).toBe(10);
  });

  it('never repeats the password of a bad DATABASE_URL', () => {
    for (const url of [
      'mysql://shop:Pa55-secret@db/shop',
      'postgres://shop:Pa55-secret@',
      'postgres://:Pa55-secret@/x',
    ]) {
      let message = '';
      try {
        loadConfig({ DATABASE_URL: url });
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(message).toMatch(/DATABASE_URL: /);
      expect(message).not.toContain('Pa55-secret');
    }
  });
});
