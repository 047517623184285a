// The Eleventy peer of `make bench-peer` (bench/run.py --only peer).
//
// A plain Eleventy blog with the per-post webmention filtering that Eleventy
// sites copy from two tutorials, followed as written:
//
// - the filter: Max Böck's `webmentionsForUrl`, from his eleventy-webmentions
//   starter (https://github.com/maxboeck/eleventy-webmentions, .eleventy.js;
//   explained in https://mxb.dev/blog/using-webmentions-on-static-sites/):
//   the whole list filtered per post by `wm-target`, then by type, entries
//   without an author name or a date dropped, sorted by date, and each
//   entry's content sanitized with sanitize-html (tags b, i, em, strong, a;
//   HTML over 2,000 characters replaced by a "mentioned this in" link);
// - the layout: Sia Karamalegos's webmentions.njk, from "An In-Depth Tutorial
//   of Webmentions + Eleventy" (https://sia.codes/posts/webmentions-eleventy-in-depth/):
//   the post's mentions split by type into likes, reposts and replies, each
//   counted with `size` and listed under the post.
//
// Two deliberate differences, both so that the layout has something to list:
// the allowed types include likes and reposts (Böck's starter shows only
// replies and mentions), and `webmentionsByType` tests `wm-property` (as
// zachleat.com's `webmentionIsType` does) since the synthetic JF2 carries the
// type there. `clean` skips entries with no content (likes and reposts have
// none; Böck's version never saw them).
//
// BENCH_NO_WEBMENTIONS=1 builds the same site without any of it: no filter,
// no sanitize-html, no _data/webmentions.json, no webmentions in the layout.

const withWebmentions = !process.env.BENCH_NO_WEBMENTIONS;

function addWebmentionFilters(eleventyConfig) {
  const sanitizeHTML = require("sanitize-html");

  eleventyConfig.addFilter("webmentionsForUrl", (webmentions, url) => {
    // Böck's starter allows ['mention-of', 'in-reply-to'] here.
    const allowedTypes = ["mention-of", "in-reply-to", "like-of", "repost-of"];

    const allowedHTML = {
      allowedTags: ["b", "i", "em", "strong", "a"],
      allowedAttributes: {
        a: ["href"],
      },
    };

    const clean = (entry) => {
      if (!entry.content) return entry;
      const { html, text } = entry.content;
      if (html) {
        // really long html mentions, usually newsletters or compilations
        entry.content.value =
          html.length > 2000
            ? `mentioned this in <a href="${entry["wm-source"]}">${entry["wm-source"]}</a>`
            : sanitizeHTML(html, allowedHTML);
      } else {
        entry.content.value = sanitizeHTML(text, allowedHTML);
      }
      return entry;
    };

    const orderByDate = (a, b) => new Date(b.published) - new Date(a.published);

    const checkRequiredFields = (entry) => {
      const { author, published } = entry;
      return !!author && !!author.name && !!published;
    };

    return webmentions
      .filter((entry) => entry["wm-target"] === url)
      .filter((entry) => allowedTypes.includes(entry["wm-property"]))
      .filter(checkRequiredFields)
      .sort(orderByDate)
      .map(clean);
  });

  eleventyConfig.addFilter("webmentionsByType", (mentions, mentionType) =>
    mentions.filter((entry) => entry["wm-property"] === mentionType),
  );

  eleventyConfig.addFilter("size", (mentions) => (!mentions ? 0 : mentions.length));
}

module.exports = function (eleventyConfig) {
  eleventyConfig.addGlobalData("metadata", {
    title: "Benchmark Blog",
    url: "https://jane.example",
  });
  eleventyConfig.addGlobalData("withWebmentions", withWebmentions);
  if (withWebmentions) {
    addWebmentionFilters(eleventyConfig);
  }
  return {
    markdownTemplateEngine: "njk",
    htmlTemplateEngine: "njk",
    dir: {
      input: ".",
      includes: "_includes",
      // Without webmentions the global data folder is one that does not
      // exist, so _data/webmentions.json is not even read.
      data: withWebmentions ? "_data" : "_data-without-webmentions",
      output: "_site",
    },
  };
};
