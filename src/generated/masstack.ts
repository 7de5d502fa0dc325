// Generated from specs/masstack.yaml by `npm run types` (openapi-typescript). Do not edit.
export interface paths {
    "/orgs/{org_id}/accounts/{account_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
            };
            cookie?: never;
        };
        /**
         * Get an account
         * @description The account with its modality, payment method, billing address, invoice cycle and pending charges.
         */
        get: operations["getAccount"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orgs/{org_id}/accounts/{account_id}/payment-method": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change an account's payment method
         * @description Replaces the account's payment method; the next GET shows it. `DIRECT_DEBIT` requires
         *     `details.iban` (a valid IBAN, check digits included: inferred), `CREDIT_CARD` requires
         *     `details.token_id` (the uuid of the tokenized card), as the provider documents. Other
         *     details are accepted and kept, on any type (the provider's own example is `BANK_TRANSFER`
         *     with an `iban`), and any type suits any modality. Each violation is a 400 naming the field.
         */
        patch: operations["patchAccountPaymentMethod"];
        trace?: never;
    };
    "/orgs/{org_id}/customers/{customer_id}/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
            };
            cookie?: never;
        };
        /**
         * List a customer's accounts
         * @description The ids of the customer's accounts, oldest first (path inferred).
         */
        get: operations["listCustomerAccounts"];
        put?: never;
        /**
         * Create an account for a customer
         * @description Creates an account and answers **200** (not 201, as the provider documents) with its id; it
         *     then appears in the customer's account list and can be read. The payment method follows the
         *     same rules as `PATCH …/payment-method`. A duplicate of one of the customer's accounts (same
         *     modality, payment method and billing address) is a 409 `MCUS.100.004`.
         */
        post: operations["createCustomerAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orgs/{org_id}/customers/{customer_id}/accounts/{account_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a customer's account
         * @description Deletes the account (path inferred); it is then gone from the customer's list and from GET.
         *     The customer's only account (409 `MCUS.100.005`) and an account with pending charges (409
         *     `MCUS.100.006`) cannot be deleted.
         */
        delete: operations["deleteCustomerAccount"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orgs/{org_id}/customers/{customer_id}/accounts/{account_id}/payment-methods": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
            };
            cookie?: never;
        };
        /**
         * Payment methods available for an account
         * @description The payment method types the account may switch to, with the details each requires (last
         *     path segment and schema inferred): every type, whatever the modality, as the provider
         *     restricts none.
         */
        get: operations["getAvailablePaymentMethods"];
        put?: never;
        post?: never;
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
        /** @enum {string} */
        Modality: "RECURRING_PREPAID" | "POSTPAID";
        /** @enum {string} */
        PatchPaymentType: "BANK_TRANSFER" | "DIRECT_DEBIT" | "CREDIT_CARD" | "TECI";
        /**
         * @description iban is mandatory when type is DIRECT_DEBIT, token_id is mandatory when type is CREDIT_CARD;
         *     BANK_TRANSFER and TECI take no details (absent, `null` or `{}`).
         */
        PaymentDetails: {
            /** @description Only for direct debit payment method. A valid IBAN, without spaces; its check digits are verified. */
            iban?: string;
            /**
             * Format: uuid
             * @description Only for credit card payment method, this value is the id of the tokenized credit card
             */
            token_id?: string;
        } | null;
        PatchAccountPaymentMethod: {
            type: components["schemas"]["PatchPaymentType"];
            details?: components["schemas"]["PaymentDetails"];
        };
        /**
         * @description An account's payment method (inferred: the provider does not publish this schema; the sandbox
         *     uses the shape of `PatchAccountPaymentMethod`). In `GetAccount`, `details` is present when
         *     the method has any (as given when it was set; absent for `null` or `{}`).
         */
        PaymentMethod: {
            type: components["schemas"]["PatchPaymentType"];
            details?: components["schemas"]["PaymentDetails"];
        };
        /**
         * @description Where invoices are sent. `address_lines` items are at most 100 characters and the literal
         *     string `"undefined"` is rejected (400 `MCUS.100.014`), as the provider does since 4.62.0.
         *     The other fields are inferred.
         */
        BillingAddress: {
            address_lines: string[];
            postal_code: string;
            city: string;
            province?: string;
            /** @description ISO 3166-1 alpha-2 country code. */
            country: string;
        };
        PostAccount: {
            modality: components["schemas"]["Modality"];
            billing_address?: components["schemas"]["BillingAddress"];
            payment_method: components["schemas"]["PaymentMethod"];
        };
        /** @description The new account's id (inferred schema). */
        AccountCreated: {
            /** Format: uuid */
            account_id: string;
        };
        /** @description The ids of a customer's accounts, oldest first (inferred schema). */
        AccountIds: {
            account_ids: string[];
        };
        /**
         * @description When the account is invoiced (fields as the provider names them since 4.44.0; their values
         *     are inferred): `ARREARS` (after the period, `POSTPAID`) or `ADVANCE` (before it,
         *     `RECURRING_PREPAID`), on `day` of each month.
         */
        InvoiceCycle: {
            /** @example CYCLE_01 */
            name: string;
            day: number;
            /** @enum {string} */
            type: "ARREARS" | "ADVANCE";
            /** @enum {string} */
            frequency: "MONTHLY";
        };
        AccountInvoice: {
            cycle: components["schemas"]["InvoiceCycle"];
        };
        /** @description Charges not yet collected (inferred). An account with any cannot be deleted. */
        PendingCharges: {
            count: number;
            /** @description Total, in `currency`, as a decimal string. */
            amount: string;
            /** @enum {string} */
            currency: "EUR";
        };
        /**
         * @description An account (inferred: the provider does not publish this schema beyond `invoice.cycle`, and
         *     has had no `status` since 4.41.0).
         */
        GetAccount: {
            /**
             * Format: uuid
             * @description Account identifier
             */
            id: string;
            /**
             * Format: uuid
             * @description Customer identifier
             */
            customer_id: string;
            modality: components["schemas"]["Modality"];
            payment_method: components["schemas"]["PaymentMethod"];
            billing_address?: components["schemas"]["BillingAddress"];
            invoice: components["schemas"]["AccountInvoice"];
            pending_charges: components["schemas"]["PendingCharges"];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        AvailablePaymentMethod: {
            type: components["schemas"]["PatchPaymentType"];
            /** @description The `details` fields this type requires. */
            required_details: ("iban" | "token_id")[];
        };
        /**
         * @description The payment method types an account may use, by its modality (inferred schema and rule):
         *     `POSTPAID` → `DIRECT_DEBIT`, `BANK_TRANSFER`, `CREDIT_CARD`; `RECURRING_PREPAID` →
         *     `CREDIT_CARD`, `TECI`. `current` is the type the account uses now.
         */
        AvailablePaymentMethods: {
            /** Format: uuid */
            account_id: string;
            modality: components["schemas"]["Modality"];
            current: components["schemas"]["PatchPaymentType"];
            payment_methods: components["schemas"]["AvailablePaymentMethod"][];
        };
        /** @description MasStack's error envelope (not RFC 7807). */
        ErrorResponse: {
            errors: {
                error: {
                    /** @example MCUS.999.998 */
                    code: string;
                    /** @example Bad request */
                    title: string;
                    /**
                     * Format: uri
                     * @description Where the code is explained (inferred link; the provider's is not public).
                     */
                    ref: string;
                    /** @description What went wrong, naming the field where there is one. */
                    message: string;
                };
            }[];
        };
        /** @description Sandbox only: an organization (tenant); its id is the `org_id` of the paths. */
        OrganizationRecord: {
            id: string;
            name: string;
        };
        /** @description Sandbox only: a customer of an organization (the customers API is not part of this page). */
        CustomerRecord: {
            /** Format: uuid */
            id: string;
            org_id: string;
            first_name: string;
            last_name: string;
            /** Format: date-time */
            created_at: string;
        };
        /** @description Sandbox only: an account as the sandbox stores it: `GetAccount` plus its `org_id`. */
        AccountRecord: {
            /** Format: uuid */
            id: string;
            org_id: string;
            /** Format: uuid */
            customer_id: string;
            modality: components["schemas"]["Modality"];
            payment_method: components["schemas"]["PaymentMethod"];
            billing_address?: components["schemas"]["BillingAddress"];
            invoice: components["schemas"]["AccountInvoice"];
            pending_charges: components["schemas"]["PendingCharges"];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
    };
    responses: {
        /** @description Invalid request body (`MCUS.999.998` or an account rule `MCUS.100.010`–`MCUS.100.014`). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "errors": [
                 *         {
                 *           "error": {
                 *             "code": "MCUS.100.010",
                 *             "title": "Payment method details missing",
                 *             "ref": "https://developers.masstack.com/errors/MCUS.100.010",
                 *             "message": "details.iban is required when type is DIRECT_DEBIT"
                 *           }
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description Unauthorized (`MCUS.999.997`). */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description Forbidden resource (`MCUS.999.996`, inferred). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description Resource not found (`MCUS.100.001`–`MCUS.100.003`, `MCUS.999.995`). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description Method not allowed. No body; `Allow` lists the methods of the path. */
        MethodNotAllowed: {
            headers: {
                /** @description The methods this path allows. */
                allow?: string;
                [name: string]: unknown;
            };
            content?: never;
        };
        /** @description Conflict (`MCUS.100.004`–`MCUS.100.006`, `MCUS.999.989`). */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The request body is larger than 1 MiB (`MCUS.999.994`, inferred). */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The request URI is longer than 8,192 characters (`MCUS.999.993`, inferred). */
        UriTooLong: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description Internal server error (`MCUS.999.999`). */
        InternalServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description Service unavailable (`MCUS.999.990`); in the sandbox also when the change could not be stored, or the server already holds its maximum of sandboxes (`--max-sandboxes`; with `Retry-After`, inferred). */
        ServiceUnavailable: {
            headers: {
                /** @description Seconds to wait before retrying, when the sandbox limit was reached. */
                "retry-after"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description Repository timeout (`MCUS.999.991`). */
        GatewayTimeout: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
    };
    parameters: {
        /**
         * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
         * @example telco
         */
        OrgId: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
                /**
                 * @description Account identifier
                 * @example 0a6e1c2b-3d4f-4a5b-8c6d-7e8f9a0b1c2d
                 */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "0a6e1c2b-3d4f-4a5b-8c6d-7e8f9a0b1c2d",
                     *       "customer_id": "b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d",
                     *       "modality": "POSTPAID",
                     *       "payment_method": {
                     *         "type": "DIRECT_DEBIT",
                     *         "details": {
                     *           "iban": "ES9121000418450200051332"
                     *         }
                     *       },
                     *       "billing_address": {
                     *         "address_lines": [
                     *           "Calle de Alcalá 48",
                     *           "3º B"
                     *         ],
                     *         "postal_code": "28014",
                     *         "city": "Madrid",
                     *         "province": "Madrid",
                     *         "country": "ES"
                     *       },
                     *       "invoice": {
                     *         "cycle": {
                     *           "name": "CYCLE_01",
                     *           "day": 1,
                     *           "type": "ARREARS",
                     *           "frequency": "MONTHLY"
                     *         }
                     *       },
                     *       "pending_charges": {
                     *         "count": 0,
                     *         "amount": "0.00",
                     *         "currency": "EUR"
                     *       },
                     *       "created_at": "2024-03-04T10:15:00Z",
                     *       "updated_at": "2024-03-04T10:15:00Z"
                     *     }
                     */
                    "application/json": components["schemas"]["GetAccount"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            405: components["responses"]["MethodNotAllowed"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    patchAccountPaymentMethod: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
                /**
                 * @description Account identifier
                 * @example 1b7f2d3c-4e5a-4b6c-9d7e-8f9a0b1c2d3e
                 */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "type": "BANK_TRANSFER",
                 *       "details": {
                 *         "iban": "ES7921000813610123456789"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["PatchAccountPaymentMethod"];
            };
        };
        responses: {
            /** @description successful operation */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            405: components["responses"]["MethodNotAllowed"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    listCustomerAccounts: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
                /**
                 * @description Customer identifier
                 * @example b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d
                 */
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Customer accounts returned successfully */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "account_ids": [
                     *         "0a6e1c2b-3d4f-4a5b-8c6d-7e8f9a0b1c2d",
                     *         "1b7f2d3c-4e5a-4b6c-9d7e-8f9a0b1c2d3e"
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["AccountIds"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            405: components["responses"]["MethodNotAllowed"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    createCustomerAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
                /**
                 * @description Customer identifier
                 * @example b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d
                 */
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "modality": "POSTPAID",
                 *       "payment_method": {
                 *         "type": "DIRECT_DEBIT",
                 *         "details": {
                 *           "iban": "ES7921000813610123456789"
                 *         }
                 *       },
                 *       "billing_address": {
                 *         "address_lines": [
                 *           "Avenida de la Constitución 12",
                 *           "Local 4"
                 *         ],
                 *         "postal_code": "41004",
                 *         "city": "Sevilla",
                 *         "province": "Sevilla",
                 *         "country": "ES"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["PostAccount"];
            };
        };
        responses: {
            /** @description successful operation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "account_id": "9b2f6c1e-0d3a-4e5b-8c7d-6e5f4a3b2c1d"
                     *     }
                     */
                    "application/json": components["schemas"]["AccountCreated"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            405: components["responses"]["MethodNotAllowed"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    deleteCustomerAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
                /**
                 * @description Customer identifier
                 * @example b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d
                 */
                customer_id: string;
                /**
                 * @description Account identifier
                 * @example 2c8a3e4d-5f6b-4c7d-8e8f-9a0b1c2d3e4f
                 */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description successful operation */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            405: components["responses"]["MethodNotAllowed"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getAvailablePaymentMethods: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description organization name (fixtures `telco`, `masmovil`, `yoigo`)
                 * @example telco
                 */
                org_id: components["parameters"]["OrgId"];
                /**
                 * @description Customer identifier
                 * @example b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d
                 */
                customer_id: string;
                /**
                 * @description Account identifier
                 * @example 3d9b4f5e-6a7c-4d8e-9f9a-0b1c2d3e4f5a
                 */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Payment methods returned successfully */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "account_id": "3d9b4f5e-6a7c-4d8e-9f9a-0b1c2d3e4f5a",
                     *       "modality": "RECURRING_PREPAID",
                     *       "current": "TECI",
                     *       "payment_methods": [
                     *         {
                     *           "type": "DIRECT_DEBIT",
                     *           "required_details": [
                     *             "iban"
                     *           ]
                     *         },
                     *         {
                     *           "type": "BANK_TRANSFER",
                     *           "required_details": []
                     *         },
                     *         {
                     *           "type": "CREDIT_CARD",
                     *           "required_details": [
                     *             "token_id"
                     *           ]
                     *         },
                     *         {
                     *           "type": "TECI",
                     *           "required_details": []
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["AvailablePaymentMethods"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            405: components["responses"]["MethodNotAllowed"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
}
