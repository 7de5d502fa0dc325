// Generated from specs/upvest.yaml by `npm run types` (openapi-typescript). Do not edit.
export interface paths {
    "/users/{user_id}/payments/reference_accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get reference accounts of a user
         * @description Returns the list of reference accounts of a user specified by ID.
         */
        get: operations["listUserReferenceAccounts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/payments/reference_accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a reference account
         * @description Creates a new reference account for a user specified by ID.
         */
        post: operations["createReferenceAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/payments/reference_accounts/{reference_account_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Reference account unique identifier.
                 * @example c18f80bd-401e-4836-9776-7dc24c32d35e
                 */
                reference_account_id: string;
            };
            cookie?: never;
        };
        /**
         * Get a reference account by ID
         * @description Retrieves the reference account specified by its ID.
         */
        get: operations["getReferenceAccount"];
        put?: never;
        post?: never;
        /**
         * Delete a reference account by ID
         * @description Deletes the reference account specified by its ID.
         *     Inferred: a user's last reference account cannot be deleted (409 `conflict`).
         */
        delete: operations["deleteReferenceAccount"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Request an access token (client credentials)
         * @description Issues a bearer token with the requested scopes. The sandbox accepts any client id and secret.
         *     Scopes for this page: `reference_accounts:read` (list, get) and `reference_accounts:admin` (all four).
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ReferenceAccount: {
            /**
             * Format: uuid
             * @description Reference account unique identifier.
             */
            id: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /**
             * Format: uuid
             * @description User unique identifier.
             */
            user_id: string;
            /** @description First and last name of the reference account owner */
            account_owner: string;
            /** @description Human-readable name of the reference bank account; `""` when the create did not name it (sandbox). */
            name: string;
            /**
             * @description The IBAN, masked — its first 6 characters, 10 `*`, its last 4.
             * @example DE0210**********0402
             */
            iban: string;
            /** @description Business Identifier Code (also known as SWIFT-BIC, BIC, SWIFT ID or SWIFT code) ISO 9362. */
            bic: string;
            /**
             * Format: date-time
             * @description Timestamp of when user validated the reference account
             */
            confirmed_at: string;
        };
        ReferenceAccountList: {
            meta: {
                offset: number;
                limit: number;
                /** @description Number of items in `data`. */
                count: number;
                /** @description Number of reference accounts of the user. */
                total_count: number;
                /**
                 * @description The field that the list is sorted by (the sandbox always says).
                 * @enum {string}
                 */
                sort?: "id" | "created_at";
                /**
                 * @description The ordering of the response (the sandbox always says).
                 * @enum {string}
                 */
                order?: "ASC" | "DESC";
            };
            data: components["schemas"]["ReferenceAccount"][];
        };
        ReferenceAccountCreateRequest: {
            /**
             * Format: uuid
             * @description User unique identifier. Optional, as in the provider's reference and spec: without it the
             *     account is the API client's own, and its `user_id` is the `upvest-client-id` (inferred).
             */
            user_id?: string;
            /** @description First and last name of the reference account owner */
            account_owner: string;
            /** @description Human-readable name of the reference bank account */
            name?: string;
            /** @description International Bank Account Number IBAN. */
            iban: string;
            /** @description Business Identifier Code (also known as SWIFT-BIC, BIC, SWIFT ID or SWIFT code) ISO 9362. */
            bic: string;
            /**
             * Format: date-time
             * @description Timestamp of when user validated the reference account
             */
            confirmed_at: string;
        };
        TokenRequest: {
            /**
             * Format: uuid
             * @description Client ID given during onboarding (any uuid in the sandbox).
             */
            client_id: string;
            /** @description Client Secret given during onboarding (any in the sandbox; not kept). */
            client_secret: string;
            /**
             * @description This must always be `client_credentials` (the real spec says so in words).
             * @default client_credentials
             * @enum {string}
             */
            grant_type: "client_credentials";
            /** @description Space-separated scopes, e.g. `reference_accounts:read reference_accounts:admin`. */
            scope: string;
        };
        TokenResponse: {
            access_token: string;
            /** @description Seconds until the token expires. */
            expires_in: number;
            /** @enum {string} */
            token_type: "bearer";
            scope: string;
        };
        /** @description RFC 7807 problem details, as Upvest returns them. */
        Problem: {
            /**
             * Format: uri
             * @example https://docs.upvest.co/errors/not_found
             */
            type: string;
            status: number;
            title: string;
            detail: string;
            /** @description The path of the request that failed. */
            instance: string;
            /** Format: uuid */
            request_id: string;
        };
        /** @description Sandbox only: a user as the sandbox stores it (the users API is not part of this page). */
        UserRecord: {
            /** Format: uuid */
            id: string;
            first_name: string;
            last_name: string;
            /** Format: date-time */
            created_at: string;
        };
        /** @description Sandbox only: a reference account as the sandbox stores it, with its whole IBAN. */
        ReferenceAccountRecord: {
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: uuid */
            user_id: string;
            account_owner: string;
            name?: string;
            iban: string;
            bic: string;
            /** Format: date-time */
            confirmed_at: string;
        };
        /** @description Sandbox only: a create remembered under `<upvest-client-id>:<idempotency-key>`. */
        IdempotencyRecord: {
            request_hash: string;
            status: number;
            body: components["schemas"]["ReferenceAccount"];
            /** Format: date-time */
            created_at: string;
        };
    };
    responses: {
        /** @description Invalid request (`invalid_request`, `missing_client_id` or `missing_idempotency_key`). */
        BadRequest: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Missing, expired or invalid token (`unauthorised`). */
        Unauthorised: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token lacks the scope this operation needs (`forbidden`, inferred). */
        Forbidden: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Not found (`not_found`). */
        NotFound: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Conflict with the current state (`conflict`). */
        Conflict: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is larger than 1 MiB (`payload_too_large`, inferred). */
        PayloadTooLarge: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request URI is longer than 8,192 characters (`uri_too_long`, inferred). */
        UriTooLong: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The idempotency key was used with a different request (`unprocessable_entity`). */
        UnprocessableEntity: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Rate limited (`too_many_requests`, inferred). */
        TooManyRequests: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                /** @description Seconds to wait before retrying. */
                "retry-after"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Internal error (`internal`). */
        Internal: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The `Accept` header allows no media type this operation answers with (`not_acceptable`). */
        NotAcceptable: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Upstream timeout (`gateway_timeout`); the sandbox answers it only when a fault is injected. */
        GatewayTimeout: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Temporarily unavailable (`service_unavailable`, inferred), e.g. the sandbox could not store a change, or the server already holds its maximum of sandboxes (`--max-sandboxes`; with `Retry-After`). */
        ServiceUnavailable: {
            headers: {
                "upvest-request-id": components["headers"]["RequestId"];
                /** @description Seconds to wait before retrying, when the sandbox limit was reached. */
                "retry-after"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /**
         * @description Your client id. Missing → 400 `missing_client_id`.
         * @example 8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f
         */
        UpvestClientId: string;
        /** @description API version. */
        UpvestApiVersion: "1";
        /**
         * @description A unique key (uuid) per create; retrying with the same key and body replays the response. Missing → 400 `missing_idempotency_key`.
         * @example 2f6c1c0e-5b0a-4d8e-9a43-3f6d3c2b1a90
         */
        IdempotencyKey: string;
        /** @description HTTP message signature (required by the real API; the sandbox neither requires nor verifies it). */
        Signature: string;
        /** @description HTTP message signature input (required by the real API; the sandbox neither requires nor verifies it). */
        SignatureInput: string;
    };
    requestBodies: never;
    headers: {
        /** @description Unique id of this request, also given as `request_id` in problems. */
        RequestId: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listUserReferenceAccounts: {
        parameters: {
            query?: {
                /**
                 * @description Field of resource to sort by
                 * @example id
                 */
                sort?: "id" | "created_at";
                /** @description Sort order of the result list if the sort parameter is specified. Use ASC for ascending or DESC for descending sort order. */
                order?: "ASC" | "DESC";
                /** @description Use the offset argument to specify where in the list of results to start when returning items for a particular query. */
                offset?: number;
                /** @description Use the limit argument to specify the maximum number of items returned. */
                limit?: number;
            };
            header: {
                /**
                 * @description Your client id. Missing → 400 `missing_client_id`.
                 * @example 8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f
                 */
                "upvest-client-id": components["parameters"]["UpvestClientId"];
                /** @description API version. */
                "upvest-api-version"?: components["parameters"]["UpvestApiVersion"];
                /** @description HTTP message signature (required by the real API; the sandbox neither requires nor verifies it). */
                signature?: components["parameters"]["Signature"];
                /** @description HTTP message signature input (required by the real API; the sandbox neither requires nor verifies it). */
                "signature-input"?: components["parameters"]["SignatureInput"];
            };
            path: {
                /**
                 * @description User unique identifier.
                 * @example 83d83ec2-d2ca-49ff-bbea-b92b5c3be202
                 */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "upvest-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "meta": {
                     *         "offset": 0,
                     *         "limit": 100,
                     *         "count": 1,
                     *         "total_count": 1,
                     *         "sort": "created_at",
                     *         "order": "ASC"
                     *       },
                     *       "data": [
                     *         {
                     *           "id": "c18f80bd-401e-4836-9776-7dc24c32d35e",
                     *           "created_at": "2020-08-24T14:15:22Z",
                     *           "updated_at": "2020-08-24T14:15:22Z",
                     *           "user_id": "83d83ec2-d2ca-49ff-bbea-b92b5c3be202",
                     *           "account_owner": "Max Mustermann",
                     *           "name": "Max's Reference Account",
                     *           "iban": "DE0210**********0402",
                     *           "bic": "BELADEBE",
                     *           "confirmed_at": "2020-08-23T14:15:22Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ReferenceAccountList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorised"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            406: components["responses"]["NotAcceptable"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    createReferenceAccount: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description Your client id. Missing → 400 `missing_client_id`.
                 * @example 8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f
                 */
                "upvest-client-id": components["parameters"]["UpvestClientId"];
                /** @description API version. */
                "upvest-api-version"?: components["parameters"]["UpvestApiVersion"];
                /**
                 * @description A unique key (uuid) per create; retrying with the same key and body replays the response. Missing → 400 `missing_idempotency_key`.
                 * @example 2f6c1c0e-5b0a-4d8e-9a43-3f6d3c2b1a90
                 */
                "idempotency-key": components["parameters"]["IdempotencyKey"];
                /** @description HTTP message signature (required by the real API; the sandbox neither requires nor verifies it). */
                signature?: components["parameters"]["Signature"];
                /** @description HTTP message signature input (required by the real API; the sandbox neither requires nor verifies it). */
                "signature-input"?: components["parameters"]["SignatureInput"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "user_id": "83d83ec2-d2ca-49ff-bbea-b92b5c3be202",
                 *       "account_owner": "Max Mustermann",
                 *       "name": "Max's Savings Account",
                 *       "iban": "DE89370400440532013000",
                 *       "bic": "BELADEBE",
                 *       "confirmed_at": "2020-08-23T14:15:22Z"
                 *     }
                 */
                "application/json": components["schemas"]["ReferenceAccountCreateRequest"];
            };
        };
        responses: {
            /** @description Reference account created. */
            200: {
                headers: {
                    "upvest-request-id": components["headers"]["RequestId"];
                    /** @description `true` when this response replays an earlier request with the same idempotency key (sandbox). */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "c18f80bd-401e-4836-9776-7dc24c32d35e",
                     *       "created_at": "2020-08-24T14:15:22Z",
                     *       "updated_at": "2020-08-24T14:15:22Z",
                     *       "user_id": "83d83ec2-d2ca-49ff-bbea-b92b5c3be202",
                     *       "account_owner": "Max Mustermann",
                     *       "name": "Max's Reference Account",
                     *       "iban": "DE0210**********0402",
                     *       "bic": "BELADEBE",
                     *       "confirmed_at": "2020-08-23T14:15:22Z"
                     *     }
                     */
                    "application/json": components["schemas"]["ReferenceAccount"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorised"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            406: components["responses"]["NotAcceptable"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getReferenceAccount: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description Your client id. Missing → 400 `missing_client_id`.
                 * @example 8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f
                 */
                "upvest-client-id": components["parameters"]["UpvestClientId"];
                /** @description API version. */
                "upvest-api-version"?: components["parameters"]["UpvestApiVersion"];
                /** @description HTTP message signature (required by the real API; the sandbox neither requires nor verifies it). */
                signature?: components["parameters"]["Signature"];
                /** @description HTTP message signature input (required by the real API; the sandbox neither requires nor verifies it). */
                "signature-input"?: components["parameters"]["SignatureInput"];
            };
            path: {
                /**
                 * @description Reference account unique identifier.
                 * @example c18f80bd-401e-4836-9776-7dc24c32d35e
                 */
                reference_account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "upvest-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferenceAccount"];
                };
            };
            401: components["responses"]["Unauthorised"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            406: components["responses"]["NotAcceptable"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    deleteReferenceAccount: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description Your client id. Missing → 400 `missing_client_id`.
                 * @example 8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f
                 */
                "upvest-client-id": components["parameters"]["UpvestClientId"];
                /** @description API version. */
                "upvest-api-version"?: components["parameters"]["UpvestApiVersion"];
                /** @description HTTP message signature (required by the real API; the sandbox neither requires nor verifies it). */
                signature?: components["parameters"]["Signature"];
                /** @description HTTP message signature input (required by the real API; the sandbox neither requires nor verifies it). */
                "signature-input"?: components["parameters"]["SignatureInput"];
            };
            path: {
                /**
                 * @description Reference account unique identifier.
                 * @example c18f80bd-401e-4836-9776-7dc24c32d35e
                 */
                reference_account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Request has been processed successfully. */
            204: {
                headers: {
                    "upvest-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorised"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description Your client id. Missing → 400 `missing_client_id`.
                 * @example 8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f
                 */
                "upvest-client-id": components["parameters"]["UpvestClientId"];
                /** @description API version. */
                "upvest-api-version"?: components["parameters"]["UpvestApiVersion"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "client_id": "8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f",
                 *       "client_secret": "sandbox-secret",
                 *       "grant_type": "client_credentials",
                 *       "scope": "reference_accounts:read reference_accounts:admin"
                 *     }
                 */
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description Token issued. */
            200: {
                headers: {
                    "upvest-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorised"];
            403: components["responses"]["Forbidden"];
            406: components["responses"]["NotAcceptable"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
}
