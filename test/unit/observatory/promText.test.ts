import { expect } from 'chai';
import { metricsPoint } from '../../../src/observatory/MetricsSource';
import { counterRate, parsePrometheusText, sumOf } from '../../../src/observatory/promText';

/** What a broker's /metrics serves (prom-client's text format, the names pinned for issue 12). */
const SAMPLE = `# HELP kafka_server_brokertopicmetrics_messagesin_total Messages in (BrokerTopicMetrics MessagesInPerSec)
# TYPE kafka_server_brokertopicmetrics_messagesin_total counter
kafka_server_brokertopicmetrics_messagesin_total 150
kafka_server_brokertopicmetrics_messagesin_total{topic="demo"} 100
kafka_server_brokertopicmetrics_messagesin_total{topic="other.topic-1"} 50

# TYPE kafka_network_requestmetrics_requests_total counter
kafka_network_requestmetrics_requests_total{request="Produce",version="9"} 12
kafka_network_requestmetrics_requests_total{request="Fetch",version="13"} 30
kafka_network_requestmetrics_totaltimems{request="Produce",quantile="0.99"} 3.5
kafka_network_requestmetrics_totaltimems_sum{request="Produce"} 1e2
kafka_network_requestmetrics_totaltimems_count{request="Produce"} 12
kafka_controller_kafkacontroller_activecontrollercount 1
odd_label{path="a\\"b\\\\c\\nd",x="1"} +Inf 1700000000000
nan_value NaN
`;

describe('observatory: Prometheus text parser', () => {
  it('reads names, labels and values, skipping comments and blank lines', () => {
    const s = parsePrometheusText(SAMPLE);
    expect(s).to.have.length(11);
    expect(s[0]).to.deep.equal({ name: 'kafka_server_brokertopicmetrics_messagesin_total', labels: {}, value: 150 });
    expect(s[2]).to.deep.equal({ name: 'kafka_server_brokertopicmetrics_messagesin_total', labels: { topic: 'other.topic-1' }, value: 50 });
    expect(s[3].labels).to.deep.equal({ request: 'Produce', version: '9' });
    expect(s[6].value).to.equal(100);
  });

  it('unescapes label values and reads +Inf and NaN, ignoring a timestamp', () => {
    const s = parsePrometheusText(SAMPLE);
    const odd = s.find((x) => x.name === 'odd_label');
    expect(odd?.labels).to.deep.equal({ path: 'a"b\\c\nd', x: '1' });
    expect(odd?.value).to.equal(Infinity);
    expect(Number.isNaN(s.find((x) => x.name === 'nan_value')?.value)).to.equal(true);
  });

  it('sums series by name and label match', () => {
    const s = parsePrometheusText(SAMPLE);
    expect(sumOf(s, 'kafka_network_requestmetrics_requests_total')).to.equal(42);
    expect(sumOf(s, 'kafka_network_requestmetrics_requests_total', { request: 'Fetch' })).to.equal(30);
    expect(sumOf(s, 'kafka_server_brokertopicmetrics_messagesin_total', { topic: 'demo' })).to.equal(100);
    expect(sumOf(s, 'missing_metric')).to.equal(undefined);
  });

  it('names the line of a malformed sample', () => {
    expect(() => parsePrometheusText('ok 1\nbroken{topic="x} 2\n')).to.throw(/line 2: unterminated label value/);
    expect(() => parsePrometheusText('no_value\n')).to.throw(/line 1: bad sample value/);
    expect(() => parsePrometheusText('9starts_with_digit 1\n')).to.throw(/line 1: expected a metric name/);
  });

  it('counter rates per second, a counter reset counting from zero as Prometheus rate() does', () => {
    expect(counterRate(100, 160, 2)).to.equal(30);
    expect(counterRate(100, 40, 2)).to.equal(20); // the broker restarted: 40 since then
    expect(counterRate(undefined, 40, 2)).to.equal(null);
    expect(counterRate(1, undefined, 2)).to.equal(null);
  });

  it('a chart point: messages in per topic summed over brokers, requests per broker', () => {
    const scrape = (ts: number, demo: number, reqs: number) => ({
      ts,
      samples: parsePrometheusText(
        `kafka_server_brokertopicmetrics_messagesin_total ${demo}\nkafka_server_brokertopicmetrics_messagesin_total{topic="demo"} ${demo}\n` +
          `kafka_network_requestmetrics_requests_total{request="Produce",version="9"} ${reqs}\n` +
          // A Fetch counts under Fetch and FetchConsumer (or FetchFollower), as in Kafka: once in the rate.
          `kafka_network_requestmetrics_requests_total{request="Fetch",version="15"} ${reqs}\n` +
          `kafka_network_requestmetrics_requests_total{request="FetchConsumer",version="15"} ${reqs}\n`,
      ),
    });
    const before = new Map([
      [1, scrape(1000, 10, 5)],
      [2, scrape(1000, 0, 5)],
    ]);
    const after = new Map([
      [1, scrape(3000, 30, 9)],
      [2, scrape(3000, 20, 25)],
      [3, scrape(3000, 7, 7)], // first scrape of broker 3: no rate yet
    ]);
    const p = metricsPoint(3000, before, after);
    expect(p.topics).to.deep.equal({ demo: 20 }); // (20 + 20) / 2 s; the unlabelled all-topics series is not a topic
    expect(p.brokers).to.deep.equal({ 1: 4, 2: 20 });
  });
});
