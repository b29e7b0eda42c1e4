import { buildServer } from './start-command.js';

/** Once per `npm test`: the end-to-end tests run the same bundle `npm start` runs. */
export default function setup(): void {
  buildServer();
}
