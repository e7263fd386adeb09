/** kafka-server-stop: see ServerStop.kafkaServerStop. */
import { kafkaServerStop } from './ServerStop';

export function main(): void {
  process.exitCode = kafkaServerStop(process.argv.slice(2));
}

if (require.main === module) main();
