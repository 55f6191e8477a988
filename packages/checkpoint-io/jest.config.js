module.exports = { ...require('../../jest.preset.js'), displayName: 'checkpoint-io' };
