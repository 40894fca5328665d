/**
 * The part of XMLHttpRequest nexmo-client's REST calls use, over Node's fetch: open, request headers,
 * `responseType` ('json' fills `response` with the parsed body), send, onload/onerror/onloadstart, status,
 * and an `upload` that takes listeners. Browsers have the real thing; Node has none.
 */
export class XMLHttpRequestShim {
  constructor() {
    this.readyState = 0;
    this.status = 0;
    this.responseType = '';
    this.response = null;
    this.responseText = '';
    this.headers = {};
    this.upload = { addEventListener() {}, removeEventListener() {} };
  }

  open(method, url) {
    this.method = method;
    this.url = url;
    this.readyState = 1;
  }

  setRequestHeader(name, value) {
    this.headers[name] = value;
  }

  getResponseHeader(name) {
    return this.responseHeaders?.get(name) ?? null;
  }

  send(body) {
    this.onloadstart?.();
    // As the XHR standard says: a GET or HEAD sends no body, whatever send() is given (nexmo-client 8.x
    // passes the string "null").
    const bodiless = /^(GET|HEAD)$/i.test(this.method);
    fetch(this.url, {
      method: this.method,
      headers: this.headers,
      body: bodiless ? undefined : (body ?? undefined),
    })
      .then(async (res) => {
        this.status = res.status;
        this.responseHeaders = res.headers;
        this.responseText = await res.text();
        if (this.responseType === 'json') {
          try {
            this.response = this.responseText ? JSON.parse(this.responseText) : null;
          } catch {
            this.response = null;
          }
        } else this.response = this.responseText;
        this.readyState = 4;
        this.onreadystatechange?.();
        this.onload?.();
      })
      .catch((error) => {
        this.readyState = 4;
        this.onerror?.(error);
      });
  }

  abort() {}
}
