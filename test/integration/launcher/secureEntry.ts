/**
 * `npm start -- --secure` on a temporary layout (free ports, data in a temp folder), so that the test does not need
 * the fixed ports 2181-2183 / 9092-9494: the launcher's own secureCluster + runLauncher.
 *   node secureEntry.js <tmpRoot> <brokers>
 * Prints `LAUNCHER {"bootstrap","zookeeper","dataDir","logDir"}` before starting; SIGTERM stops it as it stops `npm start`.
 */
import { configureLogging } from '../../../src/common/logger';
import { tempClusterLayout } from '../../../src/launcher/ClusterLayout';
import { runLauncher, secureCluster } from '../../../src/launcher/main';
import { freeSecurePorts } from '../../../src/launcher/SecureCluster';

async function entry(): Promise<number> {
  const [tmpRoot, brokers] = process.argv.slice(2);
  configureLogging({ level: 'ERROR', files: false });
  const layout = await tempClusterLayout({ zookeeperNodes: 1, brokers: Number(brokers ?? 1), tmpRoot });
  const secure = secureCluster(layout, await freeSecurePorts(layout));
  const c = secure.cluster;
  console.log(`LAUNCHER ${JSON.stringify({ bootstrap: c.bootstrapServers, zookeeper: c.zookeeperConnect, dataDir: layout.dataDir, logDir: layout.logDir })}`);
  return runLauncher(c, 0, secure.describe);
}

void entry().then((code) => process.exit(code));
