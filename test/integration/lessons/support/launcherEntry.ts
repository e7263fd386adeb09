/**
 * `npm start` and `npm start -- --kraft` on temporary layouts (free ports, data in a temp folder): the launcher's own
 * runLauncher (signals, observatory or KRaft process control, describe) over tempClusterLayout / tempKRaftLayout,
 * so a test can run both modes side by side without touching the fixed ports 2181-2183, 9092-9094, 8080-8081.
 *   node launcherEntry.js zk|kraft <tmpRoot>
 * Prints `LAUNCHER {"bootstrap","zookeeper","url"}` before starting; Ctrl-C / SIGTERM stop it as they stop `npm start`.
 */
import { configureLogging } from '../../../../src/common/logger';
import { freePort, tempClusterLayout } from '../../../../src/launcher/ClusterLayout';
import { KRaftCluster } from '../../../../src/launcher/KRaftCluster';
import { kraftBootstrapServers, tempKRaftLayout } from '../../../../src/launcher/KRaftLayout';
import { LocalCluster } from '../../../../src/launcher/LocalCluster';
import { runLauncher } from '../../../../src/launcher/main';

async function entry(): Promise<number> {
  const [mode, tmpRoot] = process.argv.slice(2);
  configureLogging({ level: 'ERROR', files: false });
  const uiPort = await freePort();
  const url = `http://127.0.0.1:${uiPort}`;
  if (mode === 'zk') {
    const cluster = new LocalCluster({ layout: await tempClusterLayout({ zookeeperNodes: 1, brokers: 3, tmpRoot }) });
    console.log(`LAUNCHER ${JSON.stringify({ bootstrap: cluster.bootstrapServers, zookeeper: cluster.zookeeperConnect, url })}`);
    return runLauncher(cluster, uiPort);
  }
  const layout = await tempKRaftLayout({ controllers: 3, brokers: 3, tmpRoot });
  console.log(`LAUNCHER ${JSON.stringify({ bootstrap: kraftBootstrapServers(layout), url })}`);
  return runLauncher(new KRaftCluster({ layout }), uiPort);
}

void entry().then((code) => process.exit(code));
