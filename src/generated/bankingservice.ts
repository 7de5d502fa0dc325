// Generated from specs/bankingservice.yaml by `npm run types` (openapi-typescript). Do not edit.
export interface paths {
    "/v1/profiles/{profileId}/customers": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The id of the profile (`profile_…`). Any id is accepted; one that names no profile is not found.
                 * @example profile_5c2e9a71d04b8f36a1e7c9d2
                 */
                profileId: components["parameters"]["ProfileId"];
            };
            cookie?: never;
        };
        /**
         * Returns a paged list of all the customers
         * @description The profile's customers, newest first, one page at a time. A page past the last one is
         *     empty. The provider documents only 200 for this operation, so it never refuses a request
         *     (inferred, the lenient reading): a profile that does not exist lists no customers, and
         *     `page` and `size` values it cannot use count as their defaults. (The provider's page also
         *     lists a `partnerId` path parameter; the path has no such segment, so the sandbox leaves it
         *     out.)
         */
        get: operations["listCustomers"];
        put?: never;
        /**
         * Creates a customer
         * @description Creates a customer of the profile and answers 200 with it, its new `id` and `created` set.
         *     A profile that does not exist is a 400 `not_found` (inferred: the provider documents 200
         *     and 400 for this operation, no 404).
         */
        post: operations["createCustomer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/profiles/{profileId}/customers/{customerId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The id of the profile (`profile_…`). Any id is accepted; one that names no profile is not found.
                 * @example profile_5c2e9a71d04b8f36a1e7c9d2
                 */
                profileId: components["parameters"]["ProfileId"];
                /**
                 * @description The id of the customer (`customer_…`). Any id is accepted; one that names no customer is not found.
                 * @example customer_3a9f5e1c7b2d4086f1e8a5c3
                 */
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        /**
         * Returns the data of the customer
         * @description The customer, if it belongs to this profile; another profile's customer, and an id that
         *     names no customer (whatever its form), is a 404 (the provider documents 200 and 404 for
         *     this operation, no 400).
         */
        get: operations["getCustomer"];
        /**
         * Updates a customer
         * @description Replaces every writable field of the customer with the body's: a field left out is removed.
         *     `id` and `created` do not change. A customer that does not exist in this profile is a 400
         *     `not_found` (inferred: the provider documents 200 and 400 for this operation, no 404).
         */
        put: operations["updateCustomer"];
        post?: never;
        /**
         * Deletes the customer
         * @description Deletes the customer and answers 200 with it as it was; afterwards it is a 404 and no longer
         *     listed. A customer that does not exist in this profile is a 400 `not_found` (inferred: the
         *     provider documents 200 and 400 for this operation, no 404).
         */
        delete: operations["deleteCustomer"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Request an access token (client credentials, inferred)
         * @description Inferred: issues a bearer token, valid for an hour, for any client id. The client may
         *     authenticate in the body (`client_id` with `client_secret`, or with a private-key JWT in
         *     `client_assertion`) or with `Authorization: Basic` (RFC 6749 §2.3.1); the sandbox checks
         *     the form of these credentials, not their value. A missing `grant_type` or `client_id` is a
         *     400 `invalid_request`, a grant type other than `client_credentials` a 400
         *     `unsupported_grant_type`. Unknown parameters are ignored, as RFC 6749 requires.
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
        /**
         * @description A postal address. Every field is optional. The provider's page states no rule on them: the
         *     sandbox checks only their JSON types (as the page's example has them) and bounds their
         *     lengths (its own limits, so what a client stores stays bounded). A property the page does
         *     not show is refused (400 naming it), so a misspelt field is not silently dropped.
         */
        Address: {
            /**
             * @description House number.
             * @example 58
             */
            premise?: number;
            /**
             * @description Addition to the house number.
             * @example A
             */
            sub_premise?: string;
            /** @description Building name. */
            building?: string;
            /** @example 2132 LS */
            postal_code?: string;
            /**
             * @description Street.
             * @example Taurusavenue
             */
            thoroughfare?: string;
            /**
             * @description City or town.
             * @example Hoofddorp
             */
            locality?: string;
            /**
             * @description State or province.
             * @example Noord-Holland
             */
            state?: string;
            /**
             * @description Country, as an ISO 3166-1 alpha-2 code in the provider's example.
             * @example NL
             */
            country?: string;
        };
        /**
         * @description The writable fields of a customer (the provider calls it "PSU creation customer type"). All
         *     are optional, as the provider's page says, and no rule it does not state refuses one: the
         *     sandbox checks their JSON types and bounds their lengths (its own limits). A property the
         *     page does not show is refused (400 naming it), so a misspelt field is not silently dropped.
         */
        CustomerInput: {
            /** @description Company name */
            company?: string;
            /**
             * @description First name of the customer
             * @example John
             */
            first_name?: string;
            /**
             * @description Last name of the customer
             * @example Doe
             */
            last_name?: string;
            /**
             * @description Email address of the customer
             * @example john.doe@gmail.com
             */
            email?: string;
            /**
             * @description Phone number; the provider's example writes it as digits, country code first, without `+`.
             * @example 318000201068
             */
            phone?: string;
            address?: components["schemas"]["Address"];
        };
        /** @description A customer. Writable fields that were not given are absent. */
        Customer: {
            /**
             * @description The id of the customer.
             * @example customer_3a9f5e1c7b2d4086f1e8a5c3
             */
            id: string;
            company?: components["schemas"]["CustomerInput"]["company"];
            first_name?: components["schemas"]["CustomerInput"]["first_name"];
            last_name?: components["schemas"]["CustomerInput"]["last_name"];
            email?: components["schemas"]["CustomerInput"]["email"];
            phone?: components["schemas"]["CustomerInput"]["phone"];
            address?: components["schemas"]["Address"];
            /**
             * Format: date-time
             * @description When the customer was created.
             * @example 2024-09-25T12:01:00.103Z
             */
            created: string;
        };
        CustomerPage: {
            /** @description This page, 0-based. */
            page: number;
            /** @description Number of pages, `ceil(count / size)`. */
            pages: number;
            /** @description The page size asked for. */
            size: number;
            /** @description Number of customers of the profile. */
            count: number;
            data: components["schemas"]["Customer"][];
        };
        /**
         * @description An OAuth 2 client-credentials token request. `client_id` is required unless the client
         *     authenticates with `Authorization: Basic`.
         */
        TokenRequest: {
            /**
             * @description Only `client_credentials`; another value is a 400 `unsupported_grant_type`.
             * @example client_credentials
             */
            grant_type: string;
            client_id?: string;
            client_secret?: string;
            /** @enum {string} */
            client_assertion_type?: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
            /** @description A JWT signed with your private key (the sandbox checks its form, not its signature). */
            client_assertion?: string;
            scope?: string;
        };
        TokenResponse: {
            access_token: string;
            /** @enum {string} */
            token_type: "Bearer";
            /** @description Seconds until the token expires. */
            expires_in: number;
        };
        /**
         * @description Inferred: the provider does not publish its error format. Every error of this sandbox API is
         *     this envelope.
         */
        Error: {
            /** @description The HTTP status. */
            status: number;
            /**
             * @description A stable code for the kind of error.
             * @enum {string}
             */
            error: "invalid_request" | "unsupported_grant_type" | "unauthorized" | "invalid_token" | "forbidden" | "not_found" | "method_not_allowed" | "not_acceptable" | "conflict" | "payload_too_large" | "uri_too_long" | "unsupported_media_type" | "unprocessable_entity" | "internal_error" | "service_unavailable";
            /** @description What went wrong, for people. */
            message: string;
            /** @description Each offending field (empty when the error is not about a field). */
            errors: components["schemas"]["FieldError"][];
            /**
             * Format: uuid
             * @description The id of this request.
             */
            request_id: string;
        };
        FieldError: {
            /**
             * @description Where the offending value is, e.g. `body.address.premise`, `header.authorization`.
             * @example body.address.premise
             */
            field: string;
            /** @example must be integer */
            message: string;
            /**
             * @description The rule that failed, e.g. `required`, `type`, `maxLength`.
             * @example type
             */
            rule?: string;
        };
        /** @description Sandbox only: a profile (the profiles API is not part of this page). */
        ProfileRecord: {
            id: string;
            name: string;
            /** Format: date-time */
            created: string;
        };
        /** @description Sandbox only: a customer as the sandbox stores it, with the profile it belongs to. */
        CustomerRecord: {
            id: components["schemas"]["Customer"]["id"];
            profile_id: components["schemas"]["ProfileRecord"]["id"];
            company?: components["schemas"]["CustomerInput"]["company"];
            first_name?: components["schemas"]["CustomerInput"]["first_name"];
            last_name?: components["schemas"]["CustomerInput"]["last_name"];
            email?: components["schemas"]["CustomerInput"]["email"];
            phone?: components["schemas"]["CustomerInput"]["phone"];
            address?: components["schemas"]["Address"];
            /** Format: date-time */
            created: string;
        };
    };
    responses: {
        /** @description OK */
        Customer: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "id": "customer_3a9f5e1c7b2d4086f1e8a5c3",
                 *       "company": "Taurus Logistiek B.V.",
                 *       "first_name": "John",
                 *       "last_name": "Doe",
                 *       "email": "john.doe@gmail.com",
                 *       "phone": "318000201068",
                 *       "address": {
                 *         "premise": 58,
                 *         "sub_premise": "A",
                 *         "building": "Taurus Huis",
                 *         "postal_code": "2132 LS",
                 *         "thoroughfare": "Taurusavenue",
                 *         "locality": "Hoofddorp",
                 *         "state": "Noord-Holland",
                 *         "country": "NL"
                 *       },
                 *       "created": "2024-09-25T12:01:00.103Z"
                 *     }
                 */
                "application/json": components["schemas"]["Customer"];
            };
        };
        /**
         * @description Invalid request (`invalid_request`; `unsupported_grant_type` from the token endpoint). From
         *     `POST`, `PUT` and `DELETE` also `not_found` (inferred): the profile or customer does not
         *     exist, and the provider documents 400 (no 404) for these operations.
         */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": 400,
                 *       "error": "invalid_request",
                 *       "message": "body.address.premise must be integer",
                 *       "errors": [
                 *         {
                 *           "field": "body.address.premise",
                 *           "message": "must be integer",
                 *           "rule": "type"
                 *         }
                 *       ],
                 *       "request_id": "0b8f5d2e-6a1c-4e3b-9f7d-2c5a8e1b4d6f"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description No bearer token (`unauthorized`), or a sandbox token that expired or was altered
         *     (`invalid_token`). Inferred: the provider's page shows OAuth 2 authorization on every
         *     operation but documents no status for a request without it; RFC 6750 answers 401.
         */
        Unauthorized: {
            headers: {
                /** @description The bearer challenge of RFC 6750, e.g. `Bearer realm="bankingservice", error="invalid_token"`. */
                "www-authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such profile, or no such customer in this profile (`not_found`); the provider documents it for getting a customer. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request body is larger than 64 KiB (`payload_too_large`, sandbox limit). */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request URI is longer than 8,192 characters (`uri_too_long`, sandbox limit). */
        UriTooLong: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Internal error (`internal_error`, inferred; the provider documents none, and the sandbox answers it only for its own bug). */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Temporarily unavailable (`service_unavailable`, inferred), e.g. the sandbox could not store a change, or the server already holds its maximum of sandboxes (`--max-sandboxes`; with `Retry-After`). */
        ServiceUnavailable: {
            headers: {
                /** @description Seconds to wait before retrying, when the sandbox limit was reached. */
                "retry-after"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /**
         * @description The id of the profile (`profile_…`). Any id is accepted; one that names no profile is not found.
         * @example profile_5c2e9a71d04b8f36a1e7c9d2
         */
        ProfileId: string;
        /**
         * @description The id of the customer (`customer_…`). Any id is accepted; one that names no customer is not found.
         * @example customer_3a9f5e1c7b2d4086f1e8a5c3
         */
        CustomerId: string;
    };
    requestBodies: {
        /** @description PSU creation customer type */
        CustomerInput: {
            content: {
                /**
                 * @example {
                 *       "company": "Taurus Logistiek B.V.",
                 *       "first_name": "John",
                 *       "last_name": "Doe",
                 *       "email": "john.doe@gmail.com",
                 *       "phone": "318000201068",
                 *       "address": {
                 *         "premise": 58,
                 *         "sub_premise": "A",
                 *         "building": "Taurus Huis",
                 *         "postal_code": "2132 LS",
                 *         "thoroughfare": "Taurusavenue",
                 *         "locality": "Hoofddorp",
                 *         "state": "Noord-Holland",
                 *         "country": "NL"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["CustomerInput"];
            };
        };
    };
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listCustomers: {
        parameters: {
            query?: {
                /**
                 * @description The page to return, 0-based (inferred name: the provider's page documents no query
                 *     parameters, only the `page` of its example response). A value that is not a whole
                 *     number of at least 0 counts as 0.
                 * @example 0
                 */
                page?: string;
                /**
                 * @description Customers per page (inferred name), 1 to 100 (the sandbox's bound): a value above 100
                 *     counts as 100, one below 1 as 1, one that is not a whole number as the default 20.
                 * @example 20
                 */
                size?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The id of the profile (`profile_…`). Any id is accepted; one that names no profile is not found.
                 * @example profile_5c2e9a71d04b8f36a1e7c9d2
                 */
                profileId: components["parameters"]["ProfileId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "page": 0,
                     *       "pages": 620,
                     *       "size": 20,
                     *       "count": 12383,
                     *       "data": [
                     *         {
                     *           "id": "customer_3a9f5e1c7b2d4086f1e8a5c3",
                     *           "company": "Taurus Logistiek B.V.",
                     *           "first_name": "John",
                     *           "last_name": "Doe",
                     *           "email": "john.doe@gmail.com",
                     *           "phone": "318000201068",
                     *           "address": {
                     *             "premise": 58,
                     *             "sub_premise": "A",
                     *             "building": "Taurus Huis",
                     *             "postal_code": "2132 LS",
                     *             "thoroughfare": "Taurusavenue",
                     *             "locality": "Hoofddorp",
                     *             "state": "Noord-Holland",
                     *             "country": "NL"
                     *           },
                     *           "created": "2024-09-25T12:01:00.103Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CustomerPage"];
                };
            };
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createCustomer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The id of the profile (`profile_…`). Any id is accepted; one that names no profile is not found.
                 * @example profile_5c2e9a71d04b8f36a1e7c9d2
                 */
                profileId: components["parameters"]["ProfileId"];
            };
            cookie?: never;
        };
        requestBody: components["requestBodies"]["CustomerInput"];
        responses: {
            200: components["responses"]["Customer"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getCustomer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The id of the profile (`profile_…`). Any id is accepted; one that names no profile is not found.
                 * @example profile_5c2e9a71d04b8f36a1e7c9d2
                 */
                profileId: components["parameters"]["ProfileId"];
                /**
                 * @description The id of the customer (`customer_…`). Any id is accepted; one that names no customer is not found.
                 * @example customer_3a9f5e1c7b2d4086f1e8a5c3
                 */
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Customer"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateCustomer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The id of the profile (`profile_…`). Any id is accepted; one that names no profile is not found.
                 * @example profile_5c2e9a71d04b8f36a1e7c9d2
                 */
                profileId: components["parameters"]["ProfileId"];
                /**
                 * @description The id of the customer (`customer_…`). Any id is accepted; one that names no customer is not found.
                 * @example customer_3a9f5e1c7b2d4086f1e8a5c3
                 */
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        requestBody: components["requestBodies"]["CustomerInput"];
        responses: {
            200: components["responses"]["Customer"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteCustomer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The id of the profile (`profile_…`). Any id is accepted; one that names no profile is not found.
                 * @example profile_5c2e9a71d04b8f36a1e7c9d2
                 */
                profileId: components["parameters"]["ProfileId"];
                /**
                 * @description The id of the customer (`customer_…`). Any id is accepted; one that names no customer is not found.
                 * @example customer_3a9f5e1c7b2d4086f1e8a5c3
                 */
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Customer"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "grant_type": "client_credentials",
                 *       "client_id": "sandbox-client",
                 *       "client_secret": "sandbox-secret"
                 *     }
                 */
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
                /**
                 * @example {
                 *       "grant_type": "client_credentials",
                 *       "client_id": "sandbox-client",
                 *       "client_secret": "sandbox-secret"
                 *     }
                 */
                "application/json": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description Token issued. */
            200: {
                headers: {
                    /** @description `no-store`, as RFC 6749 requires for token responses. */
                    "cache-control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
