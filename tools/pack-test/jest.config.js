module.exports = { ...require('../../jest.preset.js'), displayName: 'pack-test', testTimeout: 900000 };
