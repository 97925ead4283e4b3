// Stands in for pg's optional native binding (`pg-native`) in the bundled
// command line: the tool uses pg's JavaScript client only, and a folder may
// import nothing from outside itself.
module.exports = null;
