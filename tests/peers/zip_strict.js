// Opens a zip the way Claude Desktop's installer does (yauzl, strict), reads every
// entry, and prints {"entries": n, "comment_length": n} or the error; exit 1 on error.
// Usage: node zip_strict.js <file.mcpb>
const yauzl = require("yauzl");

yauzl.open(process.argv[2], { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
  if (err) {
    console.log(JSON.stringify({ error: err.message }));
    process.exit(1);
  }
  let entries = 0;
  zip.on("entry", (entry) => {
    entries += 1;
    if (/\/$/.test(entry.fileName)) return zip.readEntry();
    zip.openReadStream(entry, (e, stream) => {
      if (e) {
        console.log(JSON.stringify({ error: e.message }));
        process.exit(1);
      }
      stream.on("data", () => {});
      stream.on("error", (e2) => {
        console.log(JSON.stringify({ error: e2.message }));
        process.exit(1);
      });
      stream.on("end", () => zip.readEntry());
    });
  });
  zip.on("end", () => {
    console.log(JSON.stringify({ entries, comment_length: zip.comment.length }));
  });
  zip.on("error", (e) => {
    console.log(JSON.stringify({ error: e.message }));
    process.exit(1);
  });
  zip.readEntry();
});
