import { Component } from 'react';
import { visible } from '../format.js';

/**
 * Keeps a page's failure on that page: without it, an exception while rendering (an
 * answer shaped in a way nobody foresaw) unmounts the whole Console, header and
 * navigation included. Keyed by the node, the account and the route, so changing any of
 * them starts the page afresh.
 */
export default class ErrorBoundary extends Component {
  state = { error: null };

  static getDerivedStateFromError(error) {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <p role="alert" className="error" data-testid="page-failed">
        This page failed: {visible(String(this.state.error.message ?? this.state.error)).slice(0, 300)}. The other pages still work.
      </p>
    );
  }
}
