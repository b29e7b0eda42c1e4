import type { TestProject } from 'vitest/node';
import { createTemplateDatabase } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** TEST_ENGINE=postgres: the migrated database each test app's database is created from. */
    postgresTemplate: string | null;
  }
}

/**
 * Once per run: with TEST_ENGINE=postgres, a migrated template database, so that each test app
 * gets a database of its own in one CREATE DATABASE … TEMPLATE (no migrations per test); dropped at
 * the end of the run.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_ENGINE !== 'postgres') {
    project.provide('postgresTemplate', null);
    return;
  }
  const template = await createTemplateDatabase();
  project.provide('postgresTemplate', template.name);
  return () => template.drop();
}
