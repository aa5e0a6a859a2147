exports.handler = async () => require('minimist')([]);
