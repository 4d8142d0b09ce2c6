// Starts the vendored GraphiQL (static/graphiql/) on the page cqrs_auth/http/graphiql.py serves.
// The prepared operations come from the page's JSON settings; requests go to the page's own URL.
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("graphiql-settings").textContent);
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: settings.defaultQuery,
      defaultEditorToolsVisibility: true,
    })
  );
})();
