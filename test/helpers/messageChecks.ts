/**
 * Loaded by mocha before any test (.mocharc.json "require"): turns on MessageCodec's check that every
 * written message only has properties its description knows, in this process and in every broker the
 * tests start (they inherit the environment).
 */
process.env.KAFKA_MESSAGE_CHECKS = '1';
