/**
 * UpdateFeatures (key 57), as Kafka 3.7 describes it on the wire: UpdateFeaturesRequest.json and UpdateFeaturesResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const UpdateFeaturesRequest: MessageSpec = {
  apiKey: 57,
  type: 'request',
  name: 'UpdateFeaturesRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: '60000' },
    {
      name: 'FeatureUpdates',
      type: '[]FeatureUpdateKey',
      versions: '0+',
      fields: [
        { name: 'Feature', type: 'string', versions: '0+' },
        { name: 'MaxVersionLevel', type: 'int16', versions: '0+' },
        { name: 'AllowDowngrade', type: 'bool', versions: '0' },
        { name: 'UpgradeType', type: 'int8', versions: '1+', default: '1' },
      ],
    },
    { name: 'ValidateOnly', type: 'bool', versions: '1+', default: 'false' },
  ],
};

export const UpdateFeaturesResponse: MessageSpec = {
  apiKey: 57,
  type: 'response',
  name: 'UpdateFeaturesResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'Results',
      type: '[]UpdatableFeatureResult',
      versions: '0+',
      fields: [
        { name: 'Feature', type: 'string', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
  ],
};
